package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A refusal for load or rate leaves after {@code https.refusal-pause} (at most its {@code Retry-After}), and nothing
 * of the connection's after it, on Netty's embedded channel with its clock advanced by hand.
 */
class RefusalPauseTest {
    static final Duration PAUSE = Duration.ofSeconds(1);

    static FullHttpResponse response(HttpResponseStatus status, String retryAfter) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        if (retryAfter != null) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return r;
    }

    static int status(Object out) {
        FullHttpResponse r = (FullHttpResponse) out;
        int code = r.status().code();
        r.release();
        return code;
    }

    @Test
    void aRefusalWithRetryAfterLeavesAfterThePauseAndWhatFollowsWaitsBehindIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new RefusalPause(PAUSE));
        // The embedded loop's clock is the real one plus what is advanced by hand unless frozen: a millisecond of real
        // time between the write and the check (a loaded machine, ci22) ended the pause early.
        ch.freezeTime();
        ChannelFuture refusal = ch.writeAndFlush(response(HttpResponseStatus.SERVICE_UNAVAILABLE, "5"));
        ChannelFuture next = ch.writeAndFlush(response(HttpResponseStatus.OK, null));
        assertNull(ch.readOutbound(), "nothing before the pause");
        ch.advanceTimeBy(PAUSE.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(ch.readOutbound(), "nothing a millisecond before its end");
        assertFalse(refusal.isDone());

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(503, status(ch.readOutbound()));
        assertEquals(200, status(ch.readOutbound()), "the answer after it, in order");
        assertTrue(refusal.isSuccess() && next.isSuccess());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void thePauseIsAtMostTheRetryAfterAndOnlyForRefusalsThatCarryOne() {
        RefusalPause pause = new RefusalPause(PAUSE);
        assertEquals(1000, pause.pauseFor(response(HttpResponseStatus.TOO_MANY_REQUESTS, "120")));
        assertEquals(1000, pause.pauseFor(response(HttpResponseStatus.TOO_MANY_REQUESTS,
                "Wed, 21 Oct 2026 07:28:00 GMT")));
        assertEquals(0, pause.pauseFor(response(HttpResponseStatus.TOO_MANY_REQUESTS, "0")));
        assertEquals(0, pause.pauseFor(response(HttpResponseStatus.SERVICE_UNAVAILABLE, null)),
                "a 503 without Retry-After (/readyz of a draining node) is for load balancers: at once");
        assertEquals(0, pause.pauseFor(response(HttpResponseStatus.NO_CONTENT, "600")), "not a refusal");
        assertEquals(0, new RefusalPause(Duration.ZERO).pauseFor(
                response(HttpResponseStatus.SERVICE_UNAVAILABLE, "5")), "https.refusal-pause=PT0S");
        response(HttpResponseStatus.OK, null).release();

        EmbeddedChannel ch = new EmbeddedChannel(new RefusalPause(PAUSE));
        ch.writeAndFlush(response(HttpResponseStatus.SERVICE_UNAVAILABLE, null));
        assertEquals(503, status(ch.readOutbound()), "sent at once");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aConnectionClosedDuringThePauseFailsTheHeldWritesAndLeaksNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(new RefusalPause(PAUSE));
        FullHttpResponse refusal = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.TOO_MANY_REQUESTS, Unpooled.copiedBuffer(new byte[] {'{', '}'}));
        refusal.headers().set(HttpHeaderNames.RETRY_AFTER, "30");
        ChannelFuture written = ch.writeAndFlush(refusal);
        ch.close();
        assertTrue(written.isDone() && !written.isSuccess());
        assertEquals(0, refusal.refCnt(), "released");
        ch.advanceTimeBy(PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(ch.readOutbound());
    }

    /** With the real one-request-at-a-time handler: the pipelined request behind a paused refusal is not even read. */
    @Test
    void thePipelinedNextRequestIsHandledOnlyOnceTheRefusalLeft() {
        List<String> handled = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new InOrderResponses(16), new RefusalPause(PAUSE),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        handled.add(request.uri());
                        ctx.writeAndFlush(request.uri().equals("/login")
                                ? response(HttpResponseStatus.SERVICE_UNAVAILABLE, "5")
                                : response(HttpResponseStatus.OK, null));
                    }
                });
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/login"),
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/me"));
        assertEquals(List.of("/login"), handled);
        ch.advanceTimeBy(PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertEquals(List.of("/login", "/me"), handled);
        assertEquals(503, status(ch.readOutbound()));
        assertEquals(200, status(ch.readOutbound()));
        assertFalse(ch.finishAndReleaseAll());
    }
}

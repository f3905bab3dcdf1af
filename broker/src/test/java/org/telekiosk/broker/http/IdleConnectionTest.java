package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/**
 * The idle rule of the HTTPS pipeline: a connection that sends nothing is closed, but not while one of its requests
 * is being answered (a clean-clone CI run lost an enrollment's answer that way: "header parser received no bytes" on a
 * machine at a load average of 60, where the enrollment took longer than the 30 s of silence allowed). The timeout
 * itself is Netty's; the test calls the moment it runs out.
 */
class IdleConnectionTest {
    private final IdleConnection idle = new IdleConnection(30);
    private final EmbeddedChannel channel = new EmbeddedChannel(idle, new InOrderResponses(16),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg); // a slow handler: answers later, from the test
                }
            });

    @Test
    void aConnectionWaitingForItsAnswerIsNotClosedAsIdle() throws Exception {
        channel.writeInbound(request());
        idle.readTimedOut(channel.pipeline().context(idle));
        assertTrue(channel.isActive(), "closed while its request was being answered");

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();
        idle.readTimedOut(channel.pipeline().context(idle));
        assertFalse(channel.isActive(), "answered and silent: idle");
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        idle.readTimedOut(channel.pipeline().context(idle));
        assertFalse(channel.isActive());
    }

    private static FullHttpRequest request() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/enroll");
    }
}

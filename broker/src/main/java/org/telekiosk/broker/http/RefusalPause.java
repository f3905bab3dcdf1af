package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Sends a refusal for load or rate — a {@code 429} or {@code 503} that carries {@code Retry-After} — after a pause
 * ({@code https.refusal-pause}, at most its {@code Retry-After}) instead of at once, and holds whatever the connection
 * answers after it until then. The connection is answered nothing else meanwhile: {@link InOrderResponses}, nearer
 * the head, sees the answer only when it leaves here, and passes the connection's next request on only then.
 *
 * <p>Why: a client told to come back later that asks again at once (a login storm's clients, which ignore
 * {@code Retry-After}) was answered as fast as it asked, ~2,900 refusals a second from 100 addresses on two cores,
 * and those refusals took the CPU the other users' requests needed (docs/benchmarks.md, "login storm"). Paused, each
 * of its connections costs one refusal a pause. A client that honours {@code Retry-After} waits longer anyway and
 * loses nothing; a {@code 503} without {@code Retry-After} ({@code /readyz} of a draining node, for load balancers) is
 * sent at once.
 *
 * <p>One per connection; everything runs on the channel's event loop (the pause is a scheduled task, nothing blocks).
 */
final class RefusalPause extends ChannelOutboundHandlerAdapter {
    private final long pauseMillis;
    /** Writes held behind a paused refusal, in order; {@code null} while nothing is paused. */
    private ArrayDeque<Held> held;

    private record Held(Object message, ChannelPromise promise) {
    }

    /** @param pause the longest pause ({@code https.refusal-pause}); zero sends every refusal at once */
    RefusalPause(Duration pause) {
        this.pauseMillis = pause.toMillis();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (held != null) {
            held.add(new Held(msg, promise));
            return;
        }
        long pause = pauseFor(msg);
        if (pause <= 0) {
            ctx.write(msg, promise);
            return;
        }
        held = new ArrayDeque<>();
        held.add(new Held(msg, promise));
        ctx.executor().schedule(() -> release(ctx), pause, TimeUnit.MILLISECONDS);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (held == null) {
            ctx.flush();
        }
        // else: the release flushes what it writes
    }

    private void release(ChannelHandlerContext ctx) {
        ArrayDeque<Held> writes = held;
        held = null;
        if (writes == null) {
            return;
        }
        for (Held w : writes) {
            ctx.write(w.message(), w.promise());
        }
        ctx.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ArrayDeque<Held> writes = held;
        held = null;
        if (writes != null) {
            for (Held w : writes) {
                ReferenceCountUtil.release(w.message());
                w.promise().tryFailure(new ClosedChannelException());
            }
        }
    }

    /** The pause for {@code msg}: only a 429 or 503 with {@code Retry-After}, at most the seconds it names. */
    long pauseFor(Object msg) {
        if (pauseMillis <= 0 || !(msg instanceof HttpResponse response)) {
            return 0;
        }
        int status = response.status().code();
        String retryAfter = response.headers().get(HttpHeaderNames.RETRY_AFTER);
        if ((status != 429 && status != 503) || retryAfter == null) {
            return 0;
        }
        long seconds;
        try {
            seconds = Long.parseLong(retryAfter.strip());
        } catch (NumberFormatException httpDate) {
            seconds = Long.MAX_VALUE / 1000; // an HTTP date: always later than the pause
        }
        return Math.min(pauseMillis, Math.max(0, seconds) * 1000);
    }
}

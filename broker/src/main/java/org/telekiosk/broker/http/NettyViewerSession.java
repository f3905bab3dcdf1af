package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.broker.viewer.ViewerFrame;
import org.telekiosk.broker.viewer.ViewerSession;

/**
 * A viewer on a Netty channel. What the hub sends from its own threads is queued here and written by the channel's
 * event loop, several frames with one flush when they come in a burst, and one task handed to the loop per burst
 * instead of one per frame; from a fan-out lane, one task per loop for all the sockets the lane's burst sent to
 * ({@link LoopHandoff}). A frame of {@link BufferFrames} is sent as a retained duplicate of the buffer every viewer
 * shares. The socket's own frame encoder ({@link VitalsFrameEncoder}) writes them from its place in the pipeline,
 * straight to TLS. Unsent bytes count those queued here and those in the channel's outbound buffer (TLS's queue of
 * what it has yet to encrypt counts there too): above the channel's write
 * buffer high water mark ({@code viewer.max-pending-bytes}) a browser that does not read makes {@link #send} return
 * false instead of growing the broker's memory. In the order sent; never blocks.
 */
final class NettyViewerSession implements ViewerSession {
    private final Channel channel;
    /** The short way to TLS for what is queued here; null: through the whole pipeline (sockets in tests). */
    private final VitalsFrameEncoder encoder;
    private final Queue<ByteBuf> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainPending = new AtomicBoolean();

    NettyViewerSession(Channel channel) {
        this(channel, null);
    }

    /** @param encoder the socket's frame encoder, which writes what is queued here; null: the channel does */
    NettyViewerSession(Channel channel, VitalsFrameEncoder encoder) {
        this.channel = channel;
        this.encoder = encoder;
    }

    @Override
    public String id() {
        return channel.id().asShortText();
    }

    @Override
    public boolean sendText(String json) {
        if (!open(ByteBufUtil.utf8MaxBytes(json))) {
            return false;
        }
        return queue(ByteBufUtil.writeUtf8(channel.alloc(), json));
    }

    @Override
    public boolean send(ViewerFrame frame) {
        if (!(frame instanceof BufferFrames.Frame shared)) {
            return sendText(frame.text());
        }
        if (!open(shared.content().readableBytes())) {
            return false;
        }
        return queue(shared.content().retainedDuplicate());
    }

    /** Whether the channel is open and {@code bytes} more stay within its unsent bytes' limit. */
    private boolean open(int bytes) {
        return channel.isActive() && channel.isWritable()
                && queuedBytes.get() + bytes <= channel.bytesBeforeUnwritable();
    }

    private boolean queue(ByteBuf content) {
        queuedBytes.addAndGet(content.readableBytes());
        queued.add(content);
        if (drainPending.compareAndSet(false, true) && !LoopHandoff.defer(this, channel.eventLoop())) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                abandon();
            }
        }
        return true;
    }

    /** The loop is shutting down with the node: nothing will be written. */
    void abandon() {
        drainPending.set(false);
        releaseQueued();
    }

    /**
     * On the event loop: writes everything queued, then flushes once; with an {@link #encoder}, from its place in the
     * pipeline (straight to TLS), else from the pipeline's tail.
     */
    void drain() {
        drainPending.set(false);
        if (!channel.isActive()) {
            releaseQueued();
            return;
        }
        boolean wrote = false;
        for (ByteBuf content; (content = queued.poll()) != null; ) {
            queuedBytes.addAndGet(-content.readableBytes());
            if (encoder == null) {
                channel.write(new TextWebSocketFrame(content), channel.voidPromise());
                wrote = true;
            } else {
                wrote |= encoder.writeText(content);
            }
        }
        if (!wrote) {
            return;
        }
        if (encoder == null) {
            channel.flush();
        } else {
            encoder.flush();
        }
    }

    private void releaseQueued() {
        for (ByteBuf content; (content = queued.poll()) != null; ) {
            queuedBytes.addAndGet(-content.readableBytes());
            content.release();
        }
    }
}

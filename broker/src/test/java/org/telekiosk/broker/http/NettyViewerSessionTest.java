package org.telekiosk.broker.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ResourceLeakDetector;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.protocol.KioskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.viewer.FanOut;
import org.telekiosk.broker.viewer.ViewerFrame;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsKit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The vitals socket's sending side on EmbeddedChannels: frames encoded once into pooled buffers and shared, a burst
 * written with one flush, and every buffer back in the pool once the sockets wrote it or closed (issue 16).
 */
class NettyViewerSessionTest {
    final ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    final WireCodec json = WireCodec.json(8192);
    final BufferFrames frames = new BufferFrames(json, PooledByteBufAllocator.DEFAULT);
    /** Every buffer the encoder made, to check that each is released. */
    final List<ByteBuf> made = new ArrayList<>();
    final ViewerFrame.Encoder recording = event -> {
        ViewerFrame frame = frames.encode(event);
        made.add(((BufferFrames.Frame) frame).content());
        return frame;
    };

    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(level);
    }

    /** Counts the flushes that reach the channel. */
    static final class Flushes extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    @Test
    void aBurstOfFramesForOneViewerIsWrittenInOrderWithOneFlush() {
        Flushes flushes = new Flushes();
        EmbeddedChannel ch = new EmbeddedChannel(flushes);
        NettyViewerSession session = new NettyViewerSession(ch);
        for (int i = 1; i <= 5; i++) {
            ViewerFrame frame = recording.encode(new ViewerEvent.Pong("n" + i));
            assertTrue(session.send(frame));
            frame.release();
        }
        int before = flushes.count;
        ch.runPendingTasks();
        assertEquals(1, flushes.count - before, "one flush for the burst");
        for (int i = 1; i <= 5; i++) {
            TextWebSocketFrame frame = ch.readOutbound();
            assertEquals("{\"type\":\"pong\",\"nonce\":\"n" + i + "\"}", frame.text());
            frame.release();
        }
        assertNull(ch.readOutbound());
        made.forEach(b -> assertEquals(0, b.refCnt(), "released"));
        assertFalse(ch.finishAndReleaseAll());
    }

    /** The frames queued for the loop count as unsent bytes as much as those in the channel's outbound buffer. */
    @Test
    void aSocketWhoseUnsentBytesWouldPassTheLimitIsNotSentMoreAndKeepsNoReference() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(50, 100));
        NettyViewerSession session = new NettyViewerSession(ch);
        List<Boolean> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ViewerFrame frame = recording.encode(new ViewerEvent.Pong("nonce-" + i));
            sent.add(session.send(frame));
            frame.release();
        }
        // Each frame is 33 bytes: three fit within 100 unsent bytes, the fourth would not.
        assertEquals(List.of(true, true, true, false, false), sent);
        assertEquals(0, made.get(3).refCnt(), "a frame not sent is not kept");
        ch.runPendingTasks();
        for (TextWebSocketFrame frame; (frame = ch.readOutbound()) != null; ) {
            frame.release();
        }
        made.forEach(b -> assertEquals(0, b.refCnt(), "released"));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aReadingIsEncodedOnceForAllItsViewersAndEveryBufferIsReleasedOnceWrittenOrClosed() {
        AtomicLong now = new AtomicLong();
        List<Runnable> timers = new ArrayList<>();
        ViewerHub hub = new ViewerHub(recording, FanOut.inPlace(), now::get, (delay, task) -> timers.add(task));
        VitalsKit kit = new VitalsKit(hub);
        Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
        List<EmbeddedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            kit.watch(new NettyViewerSession(ch), room);
        }
        int welcomes = made.size();
        for (long seq = 1; seq <= 4; seq++) {
            hub.publish(VitalsKit.reading(VitalsKit.KIOSK, seq, kit.clock.instant().plusMillis(seq)));
        }
        // The kiosk's first readings wait once for its order (ViewerHub.ORDER_WAIT): let them go, as the timer would.
        now.addAndGet(ViewerHub.ORDER_WAIT.toNanos());
        timers.forEach(Runnable::run);
        assertEquals(welcomes + 4, made.size(), "one buffer a reading, whatever the number of viewers");
        // One socket closes before its loop wrote what was queued for it: the queue is released, not written.
        EmbeddedChannel closing = channels.getLast();
        closing.unsafe().closeForcibly();
        for (EmbeddedChannel ch : channels) {
            ch.runPendingTasks();
        }
        for (EmbeddedChannel ch : channels.subList(0, 2)) {
            List<String> texts = new ArrayList<>();
            for (TextWebSocketFrame frame; (frame = ch.readOutbound()) != null; ) {
                texts.add(frame.text());
                frame.release();
            }
            assertEquals("welcome", type(texts.getFirst()));
            assertEquals(List.of("reading", "reading", "reading", "reading"),
                    texts.subList(1, texts.size()).stream().map(NettyViewerSessionTest::type).toList());
        }
        assertNull(closing.readOutbound(), "nothing written to the closed socket");
        made.forEach(b -> assertEquals(0, b.refCnt(), "back in the pool"));
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /**
     * A fan-out lane's burst that sends to several sockets of one event loop hands that loop one task for all of them
     * at the burst's end, instead of one per socket: each task from outside may wake a sleeping loop.
     */
    @Test
    void aLanesBurstHandsEachEventLoopOneTaskForAllItsSockets() throws Exception {
        AtomicInteger fromOutside = new AtomicInteger();
        DefaultEventLoop loop = new DefaultEventLoop() {
            @Override
            public void execute(Runnable task) {
                if (!inEventLoop()) {
                    fromOutside.incrementAndGet();
                }
                super.execute(task);
            }
        };
        LocalAddress address = new LocalAddress("viewer-burst-" + UUID.randomUUID());
        Map<Channel, List<String>> received = new ConcurrentHashMap<>();
        Channel server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        child.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.computeIfAbsent(ctx.channel(), c -> new CopyOnWriteArrayList<>())
                                        .add(((TextWebSocketFrame) msg).text());
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                }).bind(address).sync().channel();
        List<Channel> clients = new ArrayList<>();
        List<NettyViewerSession> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Channel client = new Bootstrap().group(loop).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            clients.add(client);
            sessions.add(new NettyViewerSession(client));
        }
        KioskId kiosk = KioskId.of("wmk-burst-01");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FanOut fanOut = new FanOut(1, 1_024)) {
            fanOut.execute(kiosk, () -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            for (int n = 1; n <= 5; n++) {
                String nonce = "n" + n;
                fanOut.execute(kiosk, () -> {
                    ViewerFrame frame = recording.encode(new ViewerEvent.Pong(nonce));
                    sessions.forEach(session -> assertTrue(session.send(frame)));
                    frame.release();
                });
            }
            int before = fromOutside.get();
            release.countDown();
            await().until(() -> received.values().stream().mapToInt(List::size).sum() == 15);
            assertEquals(1, fromOutside.get() - before, "one task for the loop's three sockets and five frames each");
        }
        List<String> expected = List.of("n1", "n2", "n3", "n4", "n5").stream()
                .map(n -> "{\"type\":\"pong\",\"nonce\":\"" + n + "\"}").toList();
        assertEquals(3, received.size());
        received.values().forEach(texts -> assertEquals(expected, texts));
        made.forEach(b -> assertEquals(0, b.refCnt(), "back in the pool"));
        clients.forEach(Channel::close);
        server.close().sync();
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    static String type(String json) {
        return json.replaceFirst("^\\{\"type\":\"([a-z]+)\".*$", "$1");
    }
}

package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.broker.viewer.VitalsKit;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * The vitals socket's short way out (issue 16): the frames of readings are written from the frame encoder's place in
 * the pipeline, the bytes Netty's encoder would write, and nothing after a close frame.
 */
class VitalsFrameEncoderTest {
    static final int MAX = 512;

    /** The bytes a channel with only {@code encoder} writes for {@code frame}, all its buffers in one. */
    static byte[] nettys(WebSocketFrame frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        ch.writeOutbound(frame);
        return drained(ch);
    }

    static byte[] drained(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = assertInstanceOf(ByteBuf.class, o, "below the encoder only bytes");
            all.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    @Test
    void aTextFrameIsTheBytesNettysEncoderWritesInEachLengthForm() {
        Random random = new Random(16);
        for (int length : new int[] {0, 1, 125, 126, 127, 1023, 1024, 1025, 65535, 65536, 100_000}) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) ('a' + random.nextInt(26));
            }
            EmbeddedChannel ch = new EmbeddedChannel(new VitalsFrameEncoder());
            VitalsFrameEncoder encoder = ch.pipeline().get(VitalsFrameEncoder.class);
            ByteBuf content = Unpooled.directBuffer(length).writeBytes(payload);
            assertTrue(encoder.writeText(content));
            assertEquals(0, content.refCnt(), "the payload is released once copied");
            encoder.flush();
            assertArrayEquals(nettys(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload))), drained(ch),
                    length + " bytes");
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    /** Records what passes on its way to the encoder: the HTTP handlers' place in the broker's pipeline. */
    static final class Above extends ChannelOutboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            seen.add(msg.getClass().getSimpleName());
            ctx.write(msg, promise);
        }
    }

    final VitalsKit kit = new VitalsKit();
    final Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);

    {
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
    }

    /** A viewer's socket as the broker's pipeline has it after the handshake, greeted. */
    EmbeddedChannel viewer(Above above) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(VitalsFrameEncoder.NAME, new WebSocket13FrameEncoder(false));
        ch.pipeline().addLast("above", above);
        ch.pipeline().addLast(new ViewerFrameDecoder(BrokerInitializer.decoderConfig(MAX)),
                new Utf8FrameValidator(true),
                new WebSocketFrameAggregator(MAX),
                new ViewerSocketHandler(kit.hub, kit.access, Runnable::run, WireCodec.json(MAX),
                        BrokerInitializer.decoderConfig(MAX)),
                new ErrorTail());
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws/viewer", new DefaultHttpHeaders(), null));
        assertInstanceOf(VitalsFrameEncoder.class, ch.pipeline().get(VitalsFrameEncoder.NAME));
        ch.writeInbound(ViewerSocketHandlerTest.fromBrowser(
                new TextWebSocketFrame(VitalsFixture.hello(kit.login(kit.doctor), room.id()))));
        ch.runPendingTasks();
        return ch;
    }

    /** The text frames a browser reads from {@code bytes}. */
    static List<String> texts(byte[] bytes) {
        EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        browser.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<String> texts = new ArrayList<>();
        for (Object o; (o = browser.readInbound()) != null; ) {
            TextWebSocketFrame frame = assertInstanceOf(TextWebSocketFrame.class, o);
            texts.add(frame.text().replaceFirst("^\\{\"type\":\"([a-z]+)\".*$", "$1"));
            frame.release();
        }
        browser.finishAndReleaseAll();
        return texts;
    }

    @Test
    void aViewersFramesGoFromTheEncoderStraightDownNotThroughTheHandlersAboveIt() {
        Above above = new Above();
        EmbeddedChannel ch = viewer(above);
        for (long seq = 1; seq <= 3; seq++) {
            kit.hub.publish(kit.reading(VitalsKit.KIOSK, seq));
        }
        ch.runPendingTasks();
        assertEquals(List.of("welcome", "reading", "reading", "reading"), texts(drained(ch)));
        assertEquals(List.of(), above.seen, "the frames sent to the viewer passed no handler above the encoder");
        assertTrue(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void nothingFollowsACloseFrameOnTheShortWay() {
        Above above = new Above();
        EmbeddedChannel ch = viewer(above);
        assertEquals(List.of("welcome"), texts(drained(ch)));
        // The protocol handler above would drop what the pipeline is asked to write after this; the short way must too.
        ch.writeAndFlush(new CloseWebSocketFrame(1001, "going away"));
        byte[] close = drained(ch);
        assertArrayEquals(nettys(new CloseWebSocketFrame(1001, "going away")), close);
        kit.hub.publish(kit.reading(VitalsKit.KIOSK, 1));
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "no frame after the close frame");
        assertEquals(List.of("CloseWebSocketFrame"), above.seen);
        ch.finishAndReleaseAll();
    }

    @Test
    void anEncoderToldOfAnEarlierCloseFrameWritesNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(new VitalsFrameEncoder());
        VitalsFrameEncoder encoder = ch.pipeline().get(VitalsFrameEncoder.class);
        encoder.closeSent();
        ByteBuf content = Unpooled.copiedBuffer("{\"type\":\"reading\"}", StandardCharsets.UTF_8);
        assertFalse(encoder.writeText(content));
        assertEquals(0, content.refCnt(), "released, not written");
        encoder.flush();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }
}

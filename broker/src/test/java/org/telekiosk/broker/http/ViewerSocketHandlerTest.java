package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;

/** The viewer socket on an EmbeddedChannel: real frame codec with the production limits, no network. */
class ViewerSocketHandlerTest {
    static final int MAX = 64;
    final WireCodec json = WireCodec.json(MAX);
    final ViewerHub hub = new ViewerHub(WireCodec.json(4096));

    EmbeddedChannel viewer() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new ViewerFrameDecoder(BrokerInitializer.decoderConfig(MAX)),
                new Utf8FrameValidator(true),
                new WebSocketFrameAggregator(MAX),
                new ViewerSocketHandler(hub, json, BrokerInitializer.decoderConfig(MAX)),
                new ErrorTail());
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws/viewer", new DefaultHttpHeaders(), null));
        assertEquals("welcome", type(ch.readOutbound()));
        return ch;
    }

    /** Encodes a frame as a browser would: masked. */
    static ByteBuf fromBrowser(WebSocketFrame frame) {
        EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        browser.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = browser.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    static String type(Object frame) {
        String text = assertInstanceOf(TextWebSocketFrame.class, frame).text();
        ((TextWebSocketFrame) frame).release();
        return text.replaceFirst("^\\{\"type\":\"([a-z]+)\".*$", "$1");
    }

    static int closeCode(Object frame) {
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, frame);
        int code = close.statusCode();
        close.release();
        return code;
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsNonce() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new TextWebSocketFrame("{\"type\":\"ping\",\"nonce\":\"n-1\"}")));
        TextWebSocketFrame pong = ch.readOutbound();
        assertEquals("{\"type\":\"pong\",\"nonce\":\"n-1\"}", pong.text());
        pong.release();
        assertTrue(ch.isActive());
    }

    @Test
    void aMalformedMessageGetsAnErrorEventThenClose1007() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new TextWebSocketFrame("{\"type\":\"ping\"")));
        assertEquals("error", type(ch.readOutbound()));
        assertEquals(1007, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
        assertEquals(0, hub.viewerCount(), "the closed viewer left the hub");
    }

    @Test
    void anUnknownMessageTypeClosesWith1007() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new TextWebSocketFrame("{\"type\":\"subscribe-all\",\"nonce\":\"x\"}")));
        String error = ((TextWebSocketFrame) ch.readOutbound()).text();
        assertTrue(error.contains("unknown-type"), error);
        assertEquals(1007, closeCode(ch.readOutbound()));
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))));
        assertEquals(1003, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new TextWebSocketFrame("x".repeat(MAX + 1))));
        assertEquals(1009, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
    }

    @Test
    void aFragmentedMessageOverTheLimitClosesWith1009() {
        EmbeddedChannel ch = viewer();
        String half = "y".repeat(MAX / 2 + 8);
        ch.writeInbound(fromBrowser(new TextWebSocketFrame(false, 0, half)));
        ch.writeInbound(fromBrowser(new ContinuationWebSocketFrame(true, 0,
                Unpooled.copiedBuffer(half, StandardCharsets.UTF_8))));
        assertEquals(1009, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
    }

    @Test
    void invalidUtf8ClosesWith1007() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new TextWebSocketFrame(Unpooled.wrappedBuffer(
                new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}))));
        assertEquals(1007, closeCode(ch.readOutbound()));
    }

    @Test
    void aCloseWithAnInvalidStatusIsAnsweredWith1002() {
        EmbeddedChannel ch = viewer();
        ByteBuf body = Unpooled.buffer().writeShort(1005);
        ch.writeInbound(fromBrowser(new CloseWebSocketFrame(true, 0, body)));
        assertEquals(1002, closeCode(ch.readOutbound()));
    }

    @Test
    void aCloseWithAOneByteBodyIsAnsweredWith1002() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {3}))));
        assertEquals(1002, closeCode(ch.readOutbound()));
    }

    @Test
    void aCloseWithAnInvalidUtf8ReasonIsAnsweredWith1002() {
        EmbeddedChannel ch = viewer();
        ByteBuf body = Unpooled.buffer().writeShort(1000).writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28});
        ch.writeInbound(fromBrowser(new CloseWebSocketFrame(true, 0, body)));
        assertEquals(1002, closeCode(ch.readOutbound()));
    }

    @Test
    void aNormalCloseIsAnsweredWith1000() {
        EmbeddedChannel ch = viewer();
        ch.writeInbound(fromBrowser(new CloseWebSocketFrame(1000, "bye")));
        assertEquals(1000, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
    }

    @Test
    void oneViewerBreakingTheProtocolDoesNotAffectAnother() {
        EmbeddedChannel bad = viewer();
        EmbeddedChannel good = viewer();
        bad.writeInbound(fromBrowser(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {9}))));
        assertFalse(bad.isActive());

        hub.publish(new Measurement(KioskId.of("wmk-lab-03"), 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                36.6, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z")));
        good.runPendingTasks();
        assertEquals("reading", type(good.readOutbound()));
        assertTrue(good.isActive());
        assertEquals(1, hub.viewerCount());
    }
}

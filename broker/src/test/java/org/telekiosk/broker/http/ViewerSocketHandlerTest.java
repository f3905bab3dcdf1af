package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.broker.viewer.VitalsKit;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * The vitals socket on an EmbeddedChannel: real frame codec with the production limits, no network; the hello is
 * judged by the real {@link VitalsAccess} on in-memory stores, run in place.
 */
class ViewerSocketHandlerTest {
    static final int MAX = 512;
    final WireCodec json = WireCodec.json(MAX);
    final VitalsKit kit = new VitalsKit();
    final ViewerHub hub = kit.hub;
    final Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
    final OpaqueToken doctorSession = kit.login(kit.doctor);

    {
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
    }

    EmbeddedChannel opened() {
        return opened(new DefaultHttpHeaders());
    }

    EmbeddedChannel opened(DefaultHttpHeaders handshakeHeaders) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new ViewerFrameDecoder(BrokerInitializer.decoderConfig(MAX)),
                new Utf8FrameValidator(true),
                new WebSocketFrameAggregator(MAX),
                new ViewerSocketHandler(hub, kit.access, Runnable::run, json, BrokerInitializer.decoderConfig(MAX)),
                new ErrorTail());
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws/viewer", handshakeHeaders, null));
        return ch;
    }

    /** A socket of the room's doctor, greeted. */
    EmbeddedChannel viewer() {
        EmbeddedChannel ch = opened();
        say(ch, VitalsFixture.hello(doctorSession, room.id()));
        assertEquals("welcome", type(ch.readOutbound()));
        return ch;
    }

    static void say(EmbeddedChannel ch, String text) {
        ch.writeInbound(fromBrowser(new TextWebSocketFrame(text)));
    }

    /** Sends {@code hello}, expects an error with {@code code} and then a close with {@code closeCode}. */
    void refused(EmbeddedChannel ch, String hello, String code, int closeCode) {
        say(ch, hello);
        TextWebSocketFrame error = ch.readOutbound();
        assertTrue(error.text().startsWith("{\"type\":\"error\",\"code\":\"" + code + "\""), error.text());
        error.release();
        assertEquals(closeCode, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
        assertEquals(0, hub.viewerCount());
    }

    @Test
    void theConsultationsDoctorIsWelcomedAndGetsTheKiosksReadings() {
        EmbeddedChannel ch = viewer();
        hub.publish(kit.reading(VitalsKit.KIOSK, 1));
        ch.runPendingTasks();
        assertEquals("reading", type(ch.readOutbound()));
        assertEquals(1, hub.viewerCount());
    }

    @Test
    void theCookieOfTheHandshakeIsACredentialToo() {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Cookie", "tk_session=" + doctorSession.value());
        EmbeddedChannel ch = opened(headers);
        say(ch, "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"cookie\","
                + "\"consultation\":\"" + room.id() + "\"}}");
        assertEquals("welcome", type(ch.readOutbound()));
    }

    @Test
    void aKioskPageWithItsSessionCookieIsWelcomedAndSeesItsOwnKioskWhileItsPatientIsInTheCall() {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Cookie", "tk_session=" + kit.kioskPage(VitalsKit.KIOSK).value());
        EmbeddedChannel ch = opened(headers);
        say(ch, KIOSK_HELLO);
        assertEquals("welcome", type(ch.readOutbound()));
        hub.publish(kit.reading(VitalsKit.KIOSK, 1));
        ch.runPendingTasks();
        assertEquals("reading", type(ch.readOutbound()));
    }

    @Test
    void theKioskCredentialWithoutAKioskPageSessionIsRefused() {
        refused(opened(), KIOSK_HELLO, "not-authenticated", 4401);
        DefaultHttpHeaders staff = new DefaultHttpHeaders();
        staff.add("Cookie", "tk_session=" + doctorSession.value());
        refused(opened(staff), KIOSK_HELLO, "forbidden", 4403);
    }

    static final String KIOSK_HELLO =
            "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"kiosk\",\"name\":\"\"}}";

    @Test
    void aCookieCredentialWithoutTheCookieIsRefusedWith4401() {
        refused(opened(), "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"cookie\","
                + "\"consultation\":\"" + room.id() + "\"}}", "not-authenticated", 4401);
    }

    @Test
    void anUnknownSessionIsRefusedWith4401() {
        refused(opened(), VitalsFixture.hello(kit.login(kit.doctor), room.id()).replaceFirst(
                "\"token\":\"[^\"]+\"", "\"token\":\"" + "A".repeat(43) + "\""), "not-authenticated", 4401);
    }

    @Test
    void anotherDoctorIsRefusedWith4403() {
        refused(opened(), VitalsFixture.hello(kit.login(kit.otherDoctor), room.id()), "forbidden", 4403);
    }

    @Test
    void aTechnicianIsRefusedWith4403() {
        refused(opened(), VitalsFixture.hello(kit.login(kit.technician), room.id()), "forbidden", 4403);
    }

    @Test
    void anAdminIsRefusedWith4403() {
        refused(opened(), VitalsFixture.hello(kit.login(kit.admin), room.id()), "forbidden", 4403);
    }

    @Test
    void aPatientCodeIsRefusedWith4403() {
        refused(opened(), "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"code\","
                + "\"code\":\"ABCD-EFGH\",\"name\":\"\"}}", "forbidden", 4403);
    }

    @Test
    void anEndedConsultationIsRefusedWith4410() {
        kit.end(kit.doctor, room);
        refused(opened(), VitalsFixture.hello(doctorSession, room.id()), "access-expired", 4410);
    }

    @Test
    void anotherProtocolVersionIsRefusedWith4400() {
        refused(opened(), VitalsFixture.hello(doctorSession, room.id()).replace("\"protocolVersion\":2",
                "\"protocolVersion\":1"), "unsupported-version", 4400);
    }

    @Test
    void aMessageBeforeHelloIsRefusedWith4401() {
        refused(opened(), "{\"type\":\"ping\",\"nonce\":\"n-1\"}", "not-authenticated", 4401);
    }

    @Test
    void aSocketWithoutHelloIsClosedWith4401AfterTheDeadline() {
        EmbeddedChannel ch = opened();
        ch.advanceTimeBy(ViewerSocketHandler.HELLO_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive());
        assertNull(ch.readOutbound());
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("error", type(ch.readOutbound()));
        assertEquals(4401, closeCode(ch.readOutbound()));
        assertFalse(ch.isActive());
    }

    @Test
    void aHelloWithAMalformedConsultationClosesWith1007() {
        EmbeddedChannel ch = opened();
        say(ch, VitalsFixture.hello(doctorSession, room.id()).replace(room.id().toString(), "not-a-uuid"));
        String error = ((TextWebSocketFrame) ch.readOutbound()).text();
        assertTrue(error.contains("invalid-field"), error);
        assertEquals(1007, closeCode(ch.readOutbound()));
    }

    @Test
    void aSecondHelloIsAnsweredOutOfOrderAndTheSocketStaysOpen() {
        EmbeddedChannel ch = viewer();
        say(ch, VitalsFixture.hello(doctorSession, room.id()));
        String error = ((TextWebSocketFrame) ch.readOutbound()).text();
        assertTrue(error.contains("out-of-order"), error);
        assertTrue(ch.isActive());
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

        hub.publish(kit.reading(VitalsKit.KIOSK, 1));
        good.runPendingTasks();
        assertEquals("reading", type(good.readOutbound()));
        assertTrue(good.isActive());
        assertEquals(1, hub.viewerCount());
    }
}

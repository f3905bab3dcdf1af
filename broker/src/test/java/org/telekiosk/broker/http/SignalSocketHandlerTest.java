package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.http.ViewerSocketHandlerTest.closeCode;
import static org.telekiosk.broker.http.ViewerSocketHandlerTest.fromBrowser;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.signaling.SignalingKit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.SignalRequest;

/** The signaling socket on EmbeddedChannels: the real frame codec and limits, the real service, no network. */
class SignalSocketHandlerTest {
    static final int MAX = 2_048;
    final SignalingKit kit = new SignalingKit();
    final WireCodec json = WireCodec.json(MAX);
    final Consultation consultation = kit.consultation(kit.doctor);

    EmbeddedChannel socket(Optional<OpaqueToken> cookie) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new ViewerFrameDecoder(BrokerInitializer.decoderConfig(MAX)),
                new Utf8FrameValidator(true),
                new WebSocketFrameAggregator(MAX),
                new SignalSocketHandler(kit.service, json, BrokerInitializer.decoderConfig(MAX), cookie, Runnable::run,
                        16),
                new ErrorTail());
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws/signal", new DefaultHttpHeaders(), null));
        return ch;
    }

    void send(EmbeddedChannel ch, Object message) {
        String text = message instanceof String s ? s : json.encodeToString(message);
        ch.writeInbound(fromBrowser(new TextWebSocketFrame(text)));
    }

    static List<String> texts(EmbeddedChannel ch) {
        List<String> texts = new ArrayList<>();
        for (Object frame; (frame = ch.readOutbound()) != null; ) {
            if (frame instanceof TextWebSocketFrame text) {
                texts.add(text.text());
                text.release();
            } else {
                texts.add("close:" + closeCode(frame));
            }
        }
        return texts;
    }

    @Test
    void aDoctorAuthenticatedByTheSessionCookieIsWelcomedWithTheWaitingRoom() {
        EmbeddedChannel ch = socket(Optional.of(kit.doctor.session()));
        send(ch, "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"cookie\",\"consultation\":\""
                + consultation.id() + "\"}}");
        List<String> out = texts(ch);
        assertTrue(out.get(0).startsWith("{\"type\":\"welcome\""), out.toString());
        assertTrue(out.get(0).contains("\"role\":\"doctor\""), out.get(0));
        assertTrue(out.get(1).startsWith("{\"type\":\"waiting-room\",\"seq\":1"), out.toString());
        assertTrue(ch.isActive());
    }

    @Test
    void aCookieHelloWithoutACookieIsRefusedWith4401() {
        EmbeddedChannel ch = socket(Optional.empty());
        send(ch, "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"cookie\",\"consultation\":\""
                + consultation.id() + "\"}}");
        List<String> out = texts(ch);
        assertTrue(out.get(0).contains("\"code\":\"not-authenticated\""), out.toString());
        assertEquals("close:4401", out.get(1));
        assertFalse(ch.isActive());
    }

    @Test
    void aPatientJoinsWithACodeAndTheDoctorsSocketSeesThemWait() {
        EmbeddedChannel doctor = socket(Optional.of(kit.doctor.session()));
        send(doctor, SignalingKit.doctorHello(kit.doctor, consultation));
        texts(doctor);
        EmbeddedChannel patient = socket(Optional.empty());
        send(patient, SignalingKit.codeHello(kit.code(kit.doctor, consultation)));
        String welcome = texts(patient).getFirst();
        assertTrue(welcome.contains("\"role\":\"patient\"") && welcome.contains("\"status\":\"waiting\""), welcome);
        assertTrue(texts(doctor).getFirst().contains("\"name\":\"Frau Koch\""));
    }

    @Test
    void aMalformedMessageGetsAnErrorThenClose1007AndTheOtherSocketsCarryOn() {
        EmbeddedChannel doctor = socket(Optional.empty());
        send(doctor, SignalingKit.doctorHello(kit.doctor, consultation));
        texts(doctor);
        EmbeddedChannel bad = socket(Optional.empty());
        send(bad, "{\"type\":\"answer\",\"sdp\":\"v=0\",\"sdp\":\"twice\"}");
        List<String> out = texts(bad);
        assertTrue(out.getFirst().contains("\"code\":\"not-decodable\""), out.toString());
        assertEquals("close:1007", out.get(1));
        send(doctor, new SignalRequest.Ping("alive"));
        assertEquals(List.of("{\"type\":\"pong\",\"nonce\":\"alive\"}"), texts(doctor));
    }

    @Test
    void aBadCheckGetsInvalidFieldNamingTheFieldThenClose1007AndTheSeatAndItsEarlierCheckStay() {
        EmbeddedChannel doctor = socket(Optional.empty());
        send(doctor, "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"session\",\"token\":\""
                + kit.doctor.session().value() + "\",\"consultation\":\"" + consultation.id() + "\"}}");
        texts(doctor);
        EmbeddedChannel patient = socket(Optional.empty());
        send(patient, "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"code\",\"code\":\""
                + kit.code(kit.doctor, consultation) + "\",\"name\":\"\"}}");
        assertTrue(texts(patient).getFirst().contains("\"protocolVersion\":2"));
        String good = "{\"type\":\"check\",\"result\":{\"camera\":\"picture\",\"microphone\":\"heard\","
                + "\"speaker\":\"heard\",\"roundTripMillis\":120,\"downKbps\":1800}}";
        send(patient, good);
        assertEquals(List.of(), texts(patient), "a good check is not answered");
        String seen = texts(doctor).getLast();
        assertTrue(seen.contains("\"check\":{\"camera\":\"picture\",\"microphone\":\"heard\",\"speaker\":\"heard\","
                + "\"roundTripMillis\":120,\"downKbps\":1800}"), seen);

        send(patient, good.replace("\"downKbps\":1800", "\"downKbps\":-7"));
        List<String> out = texts(patient);
        assertTrue(out.getFirst().contains("\"code\":\"invalid-field\"") && out.getFirst().contains("downKbps"),
                out.toString());
        assertEquals("close:1007", out.get(1));
        String after = texts(doctor).getLast();
        assertTrue(after.contains("\"connected\":false"), "the seat is kept for the grace period: " + after);
        assertTrue(after.contains("\"downKbps\":1800"), "the earlier check is kept: " + after);
    }

    @Test
    void anUnknownTypeGetsUnknownTypeThenClose1007() {
        EmbeddedChannel ch = socket(Optional.empty());
        send(ch, "{\"type\":\"record\",\"on\":true}");
        List<String> out = texts(ch);
        assertTrue(out.getFirst().contains("\"code\":\"unknown-type\""), out.toString());
        assertEquals("close:1007", out.get(1));
    }

    @Test
    void aMessageBeforeHelloIsRefusedWith4401() {
        EmbeddedChannel ch = socket(Optional.empty());
        send(ch, new SignalRequest.Offer("v=0"));
        List<String> out = texts(ch);
        assertTrue(out.getFirst().contains("\"code\":\"not-authenticated\""), out.toString());
        assertEquals("close:4401", out.get(1));
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() {
        EmbeddedChannel ch = socket(Optional.empty());
        send(ch, json.encodeToString(new SignalRequest.Offer("v".repeat(MAX))));
        assertEquals(List.of("close:1009"), texts(ch));
        assertFalse(ch.isActive());
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        EmbeddedChannel ch = socket(Optional.empty());
        ch.writeInbound(fromBrowser(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}))));
        assertEquals(List.of("close:1003"), texts(ch));
    }

    @Test
    void aSocketThatNeverSaysHelloIsClosedWith4401AfterTheDeadline() {
        EmbeddedChannel ch = socket(Optional.empty());
        ch.advanceTimeBy(SignalSocketHandler.HELLO_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive());
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        List<String> out = texts(ch);
        assertEquals("close:4401", out.getLast(), out.toString());
    }

    @Test
    void aDroppedPatientSocketKeepsTheSeatForTheGracePeriod() {
        EmbeddedChannel patient = socket(Optional.empty());
        send(patient, SignalingKit.codeHello(kit.code(kit.doctor, consultation)));
        texts(patient);
        patient.close();
        EmbeddedChannel doctor = socket(Optional.empty());
        send(doctor, SignalingKit.doctorHello(kit.doctor, consultation));
        String room = texts(doctor).get(1);
        assertTrue(room.contains("\"connected\":false"), room);
    }

    @Test
    void aSocketThatFloodsFasterThanTheServiceRunsIsClosedWith4429AndNothingQueuesWithoutBound() {
        java.util.Queue<Runnable> stalled = new java.util.ArrayDeque<>();
        EmbeddedChannel ch = new EmbeddedChannel(
                new ViewerFrameDecoder(BrokerInitializer.decoderConfig(MAX)),
                new Utf8FrameValidator(true),
                new WebSocketFrameAggregator(MAX),
                new SignalSocketHandler(kit.service, json, BrokerInitializer.decoderConfig(MAX), Optional.empty(),
                        stalled::add, 16),
                new ErrorTail());
        ch.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws/signal", new DefaultHttpHeaders(), null));
        for (int i = 0; i < 16; i++) {
            send(ch, new SignalRequest.Ping("p" + i));
        }
        assertTrue(ch.isActive());
        send(ch, new SignalRequest.Ping("one-too-many"));
        List<String> out = texts(ch);
        assertTrue(out.getFirst().contains("\"code\":\"rate-limited\""), out.toString());
        assertEquals("close:4429", out.getLast());
        assertEquals(1, stalled.size(), "one drain task holds the 16 queued messages");
    }

    @Test
    void theSessionCookieIsReadFromTheHandshake() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws/signal");
        request.headers().set(HttpHeaderNames.COOKIE, "theme=dark; tk_session=" + kit.doctor.session().value());
        assertEquals(kit.doctor.session().value(), SignalRoute.sessionCookie(request).orElseThrow().value());
        request.headers().set(HttpHeaderNames.COOKIE, "tk_session=not-a-token");
        assertTrue(SignalRoute.sessionCookie(request).isEmpty());
        request.release();
    }

    @Test
    void aHandshakeFromAnOriginNotOnTheAllowListIsRefusedWith403() {
        EmbeddedChannel ch = new EmbeddedChannel(new OriginGuard(BrokerInitializer.SIGNAL_PATH,
                List.of("https://localhost:8443")));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws/signal");
        request.headers().set(HttpHeaderNames.ORIGIN, "https://evil.example");
        ch.writeInbound(request);
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, ch.readOutbound());
        assertEquals(403, response.status().code());
        response.release();
    }
}

package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;

/** The enrollment endpoints as a Netty handler, on an {@link EmbeddedChannel}, with the service's work queued. */
class EnrollmentHandlerTest {
    @TempDir
    Path dir;

    final Queue<Runnable> worker = new ArrayDeque<>();
    EnrollmentService service;
    EmbeddedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        service = new EnrollmentService(org.telekiosk.broker.testing.TestRegistry.open(dir), pki.issuing(),
                CaPin.of(pki.caCertificate()), new InMemoryAuditLog(), clock, random,
                new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30), "ssl://localhost:8883",
                        "https://localhost:8443/api/v1/renew"), () -> { });
        channel = new EmbeddedChannel(new EnrollmentHandler(service, () -> new byte[] {0x30, 0x00},
                new BlockingSlots(worker::add, 1)));
    }

    static FullHttpRequest request(HttpMethod method, String path, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return request;
    }

    FullHttpResponse response() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void anEnrollmentRunsOnTheWorkerNotOnTheEventLoop() throws Exception {
        String token = service.createToken(KioskId.of("handler-kiosk"), "H", AuditActor.system()).line();
        String csr = TestKiosk.csr(TestKiosk.p256(), "CN=handler-kiosk", "SHA256withECDSA");
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll",
                TestKiosk.JSON.encodeToString(new EnrollmentRequest(token, csr))));
        assertNull(response(), "nothing is answered on the event loop");
        assertEquals(1, worker.size());
        worker.poll().run();
        FullHttpResponse response = response();
        assertEquals(200, response.status().code());
        assertTrue(body(response).contains("\"kioskId\":\"handler-kiosk\""));
    }

    @Test
    void enrollmentsShareTheApisConcurrencyCapAndPauseReadingWhilePending() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "{\"token\":\"tk1.nope\",\"csr\":\"x\"}"));
        assertFalse(channel.config().isAutoRead(), "no further request is read while one is in progress");
        EmbeddedChannel second = new EmbeddedChannel(channel.pipeline().first());
        second.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "{\"token\":\"tk1.nope\",\"csr\":\"x\"}"));
        FullHttpResponse busy = second.readOutbound();
        assertEquals(503, busy.status().code());
        assertEquals("1", busy.headers().get(HttpHeaderNames.RETRY_AFTER));
        busy.release();
        second.finishAndReleaseAll();
        assertEquals(1, worker.size(), "only the first enrollment reached the service");
        worker.poll().run();
        assertEquals(400, statusOf(response()));
    }

    private static int statusOf(FullHttpResponse response) {
        int status = response.status().code();
        response.release();
        return status;
    }

    @Test
    void aRefusalIsProblemJsonWithTheServicesTitle() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll",
                "{\"token\":\"tk1.nope\",\"csr\":\"x\"}"));
        worker.poll().run();
        FullHttpResponse response = response();
        assertEquals(400, response.status().code());
        assertEquals("application/problem+json", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertTrue(body(response).contains("not an enrollment token"));
    }

    @Test
    void aBodyThatIsNotTheRequestIsRefusedAtOnceWith400() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "{\"token\":\"a\",\"csr\":\"b\",\"x\":1}"));
        FullHttpResponse response = response();
        assertEquals(400, response.status().code());
        assertTrue(body(response).contains("Malformed request"));
        assertTrue(worker.isEmpty());
    }

    @Test
    void getOnTheEnrollmentEndpointIs405WithAllow() {
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/enroll", ""));
        FullHttpResponse response = response();
        assertEquals(405, response.status().code());
        assertEquals("POST", response.headers().get(HttpHeaderNames.ALLOW));
        response.release();
    }

    @Test
    void theCrlIsServedAsDer() {
        channel.writeInbound(request(HttpMethod.GET, "/pki/crl", ""));
        FullHttpResponse response = response();
        assertEquals(200, response.status().code());
        assertEquals("application/pkix-crl", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertEquals(2, response.content().readableBytes());
        response.release();
    }

    @Test
    void otherRequestsPassToTheNextHandler() {
        FullHttpRequest page = request(HttpMethod.GET, "/", "");
        channel.writeInbound(page);
        assertSame(page, channel.readInbound());
        page.release();
    }
}

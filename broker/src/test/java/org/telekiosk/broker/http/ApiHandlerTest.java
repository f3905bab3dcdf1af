package org.telekiosk.broker.http;

import org.telekiosk.broker.config.HttpLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.api.ApiServices;
import org.telekiosk.broker.api.RestApi;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.testing.TestRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.fhir.ReadingLinker;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;

/**
 * The REST adapter on an {@link EmbeddedChannel}, with the real API on SQLite and an executor the test runs by hand,
 * so that "in progress" is a state the test holds: what passes on, what is refused before the API, and that the
 * channel stops reading while an answer is pending.
 */
class ApiHandlerTest {
    @TempDir
    Path dir;

    final HeldExecutor executor = new HeldExecutor();
    final List<Object> passedOn = new ArrayList<>();
    EmbeddedChannel channel;

    /** Holds every task until the test runs it. */
    static final class HeldExecutor extends AbstractExecutorService {
        final ArrayDeque<Runnable> held = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void runAll() {
            while (!held.isEmpty()) {
                held.poll().run();
            }
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    MeasurementStore store;
    RestApi api;
    EnrollmentService enrollment;
    final InMemoryAuditLog enrollmentAudit = new InMemoryAuditLog();

    @BeforeEach
    void channel() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        AccessServices services = TestHashing.open(new SqlAccess(database), new AccessConfig(Duration.ofHours(12),
                Duration.ofMinutes(30), Duration.ofHours(24), Duration.ofHours(24), Duration.ofSeconds(60),
                Duration.ofDays(90), Duration.ofDays(90), Duration.ofMinutes(1), 1, 1), dir, new SecureRandom(),
                Clock.systemUTC());
        store = MeasurementStore.open(database, Duration.ofMinutes(5), Clock.systemUTC());
        MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"),
                new SecureRandom()), List.of("localhost"), new Certificates(new SecureRandom()), clock);
        enrollment = new EnrollmentService(TestRegistry.open(dir), pki.issuing(),
                CaPin.of(pki.caCertificate()), enrollmentAudit, clock, new SecureRandom(),
                new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30), "ssl://localhost:8883",
                        "https://localhost:8443/api/v1/renew"), () -> { });
        api = new RestApi(new ApiServices(services.accounts(), services.logins(), services.consultations(),
                services.codes(), Optional.empty(), Optional.of(new ConsultationFhirExport(services.consultations(),
                        new ReadingLinker(store), Clock.systemUTC())), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(enrollment)),
                List.of("https://localhost:8443"), 1, Clock.systemUTC());
        channel = new EmbeddedChannel(new ApiHandler(api, executor, 1), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }
        });
    }

    @AfterEach
    void close() {
        passedOn.forEach(io.netty.util.ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
        store.close();
    }

    static FullHttpRequest request(HttpMethod method, String uri, String body) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    @Test
    void aRequestOutsideTheApiPassesOnUntouched() {
        FullHttpRequest page = request(HttpMethod.GET, "/index.html", "");
        channel.writeInbound(page);

        assertEquals(List.of(page), passedOn);
        assertTrue(executor.held.isEmpty());
        assertNull(channel.readOutbound());
    }

    @Test
    void theAnswerIsWrittenOnceTheApiRanAndTheChannelStopsReadingMeanwhile() {
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/me", ""));
        assertFalse(channel.config().isAutoRead(), "no further request is read while one is in progress");
        assertNull(channel.readOutbound());

        executor.runAll();
        FullHttpResponse response = channel.readOutbound();
        assertEquals(401, response.status().code());
        assertEquals("application/problem+json", response.headers().get("Content-Type"));
        assertEquals("Bearer realm=\"telekiosk\"", response.headers().get("WWW-Authenticate"));
        assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
        assertTrue(channel.config().isAutoRead());
        response.release();
    }

    @Test
    void aRequestBeyondTheConcurrencyLimitIsAnswered503AtOnceWithRetryAfter() {
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/me", ""));
        EmbeddedChannel second = new EmbeddedChannel(channel.pipeline().first());
        second.writeInbound(request(HttpMethod.GET, "/api/v1/me", ""));

        FullHttpResponse busy = second.readOutbound();
        assertEquals(503, busy.status().code());
        assertEquals("1", busy.headers().get("Retry-After"));
        assertEquals(1, executor.held.size(), "only the first request reached the API");
        busy.release();
        second.finishAndReleaseAll();
        executor.runAll();
        ((FullHttpResponse) channel.readOutbound()).release();
    }

    @Test
    void aBodyOverTheLimitIs413WithoutReachingTheApiAndClosesTheConnection() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/session", "x".repeat(RestApi.MAX_BODY_BYTES + 1)));

        FullHttpResponse response = channel.readOutbound();
        assertEquals(413, response.status().code());
        assertTrue(executor.held.isEmpty());
        assertFalse(channel.isOpen());
        assertSame(0, passedOn.size());
        response.release();
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInTheOrderTheyCame() {
        // A's login and B's GET /me arrive in one read, as from one TLS record. The executor runs the newest task
        // first (as when the login waits for Argon2id and /me is quick): B must still be answered after A.
        EmbeddedChannel wire = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new InOrderResponses(HttpLimits.DEFAULTS.pipelinedRequests()), new ApiHandler(api, executor, 4));
        String login = "{\"login\":\"dr.nobody\",\"password\":\"wrong-password\"}";
        String pipelined = "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + login.length() + "\r\n\r\n" + login
                + "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n";
        wire.writeInbound(Unpooled.copiedBuffer(pipelined, StandardCharsets.US_ASCII));
        assertEquals(1, executor.held.size(), "B waits until A is answered");
        while (!executor.held.isEmpty()) {
            executor.held.pollLast().run();
            wire.runPendingTasks();
        }
        StringBuilder answers = new StringBuilder();
        for (ByteBuf out = wire.readOutbound(); out != null; out = wire.readOutbound()) {
            answers.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        int a = answers.indexOf("invalid-credentials");
        int b = answers.indexOf("not-authenticated");
        assertTrue(a >= 0 && b > a, answers.toString());
        wire.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatPipelinesMoreThanTheLimitIsClosed() {
        EmbeddedChannel wire = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new InOrderResponses(HttpLimits.DEFAULTS.pipelinedRequests()), new ApiHandler(api, executor, 4));
        String me = "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n";
        wire.writeInbound(Unpooled.copiedBuffer(me.repeat(HttpLimits.DEFAULTS.pipelinedRequests() + 1), StandardCharsets.US_ASCII));
        assertTrue(wire.isOpen(), "one in progress and the limit held");
        wire.writeInbound(Unpooled.copiedBuffer(me, StandardCharsets.US_ASCII));
        assertFalse(wire.isOpen());
        executor.held.clear();
        wire.finishAndReleaseAll();
    }

    @Test
    void aLoginRefusedForLoadKeepsTheConnectionAndTheNextRequestOnItIsAnswered() {
        // The one login slot is taken: the next login is refused 503 at once. Closing after it would make every
        // refused client pay (and the broker serve) a new TLS handshake; the request was read whole, so it is kept.
        ApiHandler handler = new ApiHandler(api, executor, 4, 1);
        EmbeddedChannel holder = new EmbeddedChannel(handler);
        holder.writeInbound(loginRequest());
        EmbeddedChannel wire = wire(handler);
        String login = "{\"login\":\"nobody\",\"password\":\"not a password\"}";
        wire.writeInbound(Unpooled.copiedBuffer("POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + login.length() + "\r\n\r\n" + login,
                StandardCharsets.US_ASCII));
        String refused = answers(wire);
        assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
        assertTrue(refused.contains("retry-after: 5"), refused);
        assertTrue(refused.contains("connection: keep-alive"), refused);
        assertTrue(wire.isOpen(), "a refusal for load keeps the connection");

        wire.writeInbound(Unpooled.copiedBuffer("GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n",
                StandardCharsets.US_ASCII));
        executor.held.pollLast().run();
        wire.runPendingTasks();
        String me = answers(wire);
        assertTrue(me.startsWith("HTTP/1.1 401") && me.contains("not-authenticated"), me);
        assertTrue(wire.isOpen());
        executor.runAll();
        holder.finishAndReleaseAll();
        wire.finishAndReleaseAll();
    }

    @Test
    void aRequestRefusedBusyKeepsTheConnectionAndTheNextRequestOnItIsAnswered() {
        ApiHandler handler = new ApiHandler(api, executor, 1, 1);
        EmbeddedChannel holder = new EmbeddedChannel(handler);
        holder.writeInbound(request(HttpMethod.GET, "/api/v1/me", ""));
        EmbeddedChannel wire = wire(handler);
        String me = "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n";
        wire.writeInbound(Unpooled.copiedBuffer(me, StandardCharsets.US_ASCII));
        String refused = answers(wire);
        assertTrue(refused.startsWith("HTTP/1.1 503") && refused.contains("connection: keep-alive"), refused);
        assertTrue(wire.isOpen(), "a refusal for load keeps the connection");

        executor.runAll(); // the holder's request is answered: its slot is free again
        wire.writeInbound(Unpooled.copiedBuffer(me, StandardCharsets.US_ASCII));
        executor.runAll();
        wire.runPendingTasks();
        String answer = answers(wire);
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        holder.finishAndReleaseAll();
        wire.finishAndReleaseAll();
    }

    private static EmbeddedChannel wire(ApiHandler handler) {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new InOrderResponses(HttpLimits.DEFAULTS.pipelinedRequests()), handler);
    }

    /** Everything written on {@code wire} so far, as text, header names in lower case. */
    private static String answers(EmbeddedChannel wire) {
        StringBuilder answers = new StringBuilder();
        for (ByteBuf out = wire.readOutbound(); out != null; out = wire.readOutbound()) {
            answers.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return answers.toString().toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1");
    }

    @Test
    void theLoginsInProgressAreAsConfigured() {
        ApiHandler handler = new ApiHandler(api, executor, 1, 2);
        for (int i = 0; i < 2; i++) {
            EmbeddedChannel login = new EmbeddedChannel(handler);
            login.writeInbound(loginRequest());
            org.junit.jupiter.api.Assertions.assertNull(login.readOutbound(), "login " + i + " waits for its hash");
        }
        EmbeddedChannel third = new EmbeddedChannel(handler);
        third.writeInbound(loginRequest());
        FullHttpResponse refused = third.readOutbound();
        assertEquals(503, refused.status().code());
        refused.release();
        assertEquals(2, executor.held.size());
        executor.runAll();
    }

    @Test
    void loginsQueueInSlotsOfTheirOwnAndOtherRequestsAreStillAnsweredMeanwhile() {
        ApiHandler handler = (ApiHandler) channel.pipeline().first();
        List<EmbeddedChannel> waiting = new ArrayList<>();
        for (int i = 0; i < HttpLimits.DEFAULTS.loginsInProgress(); i++) {
            EmbeddedChannel login = new EmbeddedChannel(handler);
            login.writeInbound(loginRequest());
            waiting.add(login);
        }
        EmbeddedChannel oneTooMany = new EmbeddedChannel(handler);
        oneTooMany.writeInbound(loginRequest());
        FullHttpResponse refused = oneTooMany.readOutbound();
        assertEquals(503, refused.status().code());
        assertEquals("5", refused.headers().get("Retry-After"));
        assertTrue(refused.content().toString(StandardCharsets.UTF_8).contains("too many logins"));
        refused.release();
        assertEquals(HttpLimits.DEFAULTS.loginsInProgress(), executor.held.size(), "the logins wait, none answered");

        // The API's own cap here is 1: the waiting logins hold none of it, so GET /me is taken and answered.
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/me", ""));
        assertEquals(HttpLimits.DEFAULTS.loginsInProgress() + 1, executor.held.size());
        executor.held.pollLast().run();
        FullHttpResponse me = channel.readOutbound();
        assertEquals(401, me.status().code());
        me.release();

        executor.runAll();
        for (EmbeddedChannel login : waiting) {
            FullHttpResponse answer = login.readOutbound();
            // Wrong, then throttled per address (all these channels share one address): answered, not refused busy.
            int status = answer.status().code();
            assertTrue(status == 401 || status == 429, "status " + status);
            answer.release();
            login.finishAndReleaseAll();
        }
        oneTooMany.finishAndReleaseAll();
    }

    @Test
    void anEnrollmentIsAnApiRequestAnsweredFromTheWorkerNotTheEventLoop() throws Exception {
        String token = enrollment.createToken(KioskId.of("handler-kiosk"), "H", AuditActor.system()).line();
        String csr = TestKiosk.csr(TestKiosk.p256(), "CN=handler-kiosk", "SHA256withECDSA");
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll",
                TestKiosk.JSON.encodeToString(new EnrollmentRequest(token, csr))));
        assertNull(channel.readOutbound(), "nothing is answered on the event loop");
        assertEquals(1, executor.held.size());
        executor.runAll();
        FullHttpResponse response = channel.readOutbound();
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
        assertEquals("1", busy.headers().get("Retry-After"));
        busy.release();
        second.finishAndReleaseAll();
        assertEquals(1, executor.held.size(), "only the first enrollment reached the API");
        executor.runAll();
        FullHttpResponse refused = channel.readOutbound();
        assertEquals(400, refused.status().code());
        refused.release();
    }

    @Test
    void anEnrollmentRefusalIsProblemJsonWithTheServicesTitleAndNoCode() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "{\"token\":\"tk1.nope\",\"csr\":\"x\"}"));
        executor.runAll();
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        assertEquals("application/problem+json", response.headers().get("Content-Type"));
        String body = body(response);
        assertTrue(body.contains("not an enrollment token"), body);
        assertTrue(body.contains("\"title\":\"Bad enrollment request\""), body);
        assertFalse(body.contains("\"code\""), "the agent's strict decoder knows no code: " + body);
        assertEquals(1, enrollmentAudit.events().size(), "the service saw it and audited the refusal");
    }

    /**
     * The promise the separate enrollment handler made ("refused before it is queued") restated for the one API
     * handler: a body that is not the protocol's message takes a slot like every API request, but is answered 400
     * before the service is called (no audit entry, nothing issued).
     */
    @Test
    void anEnrollmentBodyThatIsNotTheRequestIs400WithoutReachingTheService() {
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "{\"token\":\"a\",\"csr\":\"b\",\"x\":1}"));
        executor.runAll();
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        assertTrue(body(response).contains("Malformed request"));
        assertEquals(List.of(), enrollmentAudit.events(), "the service never saw the request");
    }

    @Test
    void getOnTheEnrollmentEndpointIs405WithAllow() {
        channel.writeInbound(request(HttpMethod.GET, "/api/v1/enroll", ""));
        executor.runAll();
        FullHttpResponse response = channel.readOutbound();
        assertEquals(405, response.status().code());
        assertEquals("POST", response.headers().get("Allow"));
        response.release();
    }

    @Test
    void anEnrollmentMayCarryALargerBodyThanOtherRequestsUpToItsOwnLimit() {
        ApiHandler handler = (ApiHandler) channel.pipeline().first();
        String padded = "{\"token\":\"tk1.nope\",\"csr\":\"" + "x".repeat(RestApi.MAX_BODY_BYTES) + "\"}";
        channel.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", padded));
        assertEquals(1, executor.held.size(), "over the API's limit, under the enrollment's: taken");
        executor.runAll();
        ((FullHttpResponse) channel.readOutbound()).release();
        EmbeddedChannel next = new EmbeddedChannel(handler);
        next.writeInbound(request(HttpMethod.POST, "/api/v1/enroll", "x".repeat(RestApi.MAX_KIOSK_BODY_BYTES + 1)));
        FullHttpResponse tooLarge = next.readOutbound();
        assertEquals(413, tooLarge.status().code());
        assertTrue(executor.held.isEmpty());
        tooLarge.release();
        next.finishAndReleaseAll();
    }

    static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private static FullHttpRequest loginRequest() {
        FullHttpRequest login = request(HttpMethod.POST, "/api/v1/session",
                "{\"login\":\"nobody\",\"password\":\"not a password\"}");
        login.headers().set("Content-Type", "application/json");
        return login;
    }
}

package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.topic.Topics;

/** The real broker over TLS: pages, health, the vitals WebSocket (routed by consultation), and the embedded MQTT broker's gate. */
class BrokerIntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    HttpResponse<String> get(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(BROKER.tls()).build();
        return http.send(HttpRequest.newBuilder(BROKER.https(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * When the test readings were taken: a day ahead, so always after the admission of the patient at the kiosk (a
     * doctor sees only readings taken since their patient's admission).
     */
    static final Instant TAKEN = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    static Measurement reading(KioskId kiosk, long seq, double celsius) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, celsius,
                UcumUnit.CELSIUS, TAKEN.plusSeconds(seq));
    }

    /** A vitals socket of a new doctor whose room consultation has the patient at {@code kiosk} in the call. */
    static ViewerClient watching(KioskId kiosk) throws InterruptedException {
        return ViewerClient.doctorWatching(BROKER, kiosk);
    }


    @Test
    void theHttpsListenerRunsOnNettysNativeEpollTransportOnLinuxX8664() {
        org.junit.jupiter.api.Assumptions.assumeTrue(HttpsTransportTest.linuxX8664(),
                "the broker carries the epoll library for linux-x86_64");
        assertEquals(org.telekiosk.broker.config.NettyTransport.EPOLL, BROKER.broker().httpsTransport());
    }

    static MqttClient kiosk(KioskId id) throws Exception {
        return TestKiosk.enroll(BROKER, id).connect(BROKER);
    }

    static void publish(MqttClient client, String topic, byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        client.publish(topic, message);
    }

    @Test
    void healthzReportsOkWithCountersOverTls() throws Exception {
        HttpResponse<String> response = get("/healthz");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("{\"status\":\"ok\""), response.body());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void theLandingPageLinksTheThreePagesAndIsServedWithSecurityHeaders() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("href=\"/doctor.html\"") && page.body().contains("href=\"/kiosk.html\"")
                && page.body().contains("href=\"/technician.html\""), page.body());
        assertTrue(page.headers().firstValue("content-security-policy").orElseThrow().contains("default-src 'self'"));
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals(404, get("/viewer.js").statusCode(), "the all-kiosks viewer is gone");
        assertEquals(200, get("/vitals.js").statusCode());
    }

    @Test
    void theVitalRangesOfTheConfigurationAreServedForTheCallView() throws Exception {
        HttpResponse<String> ranges = get("/api/v1/vital-ranges");
        assertEquals(200, ranges.statusCode());
        assertTrue(ranges.body().contains("\"staleAfterSeconds\":120"), ranges.body());
        assertTrue(ranges.body().contains("\"59408-5\":{\"low\":94.0,\"high\":100.0}"), ranges.body());
        assertTrue(!ranges.body().contains("29463-7"), "weight has no default range: " + ranges.body());
    }

    @Test
    void anUnknownPathIsA404ProblemAndOtherMethodsAre405() throws Exception {
        HttpResponse<String> missing = get("/../../etc/passwd");
        assertEquals(404, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("content-type").orElseThrow());
        HttpClient http = HttpClient.newBuilder().sslContext(BROKER.tls()).build();
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(BROKER.https("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aWebSocketFromAForeignOriginIsRefusedWith403() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> ViewerClient.connect(BROKER, "https://evil.example"));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
        CompletionException none = assertThrows(CompletionException.class, () -> ViewerClient.connect(BROKER, null));
        assertEquals(403, ((WebSocketHandshakeException) none.getCause()).getResponse().statusCode());
    }

    @Test
    void aKiosksMeasurementReachesItsDoctorAndNotAnotherKiosksDoctorNorAnAnonymousSocket() throws Exception {
        KioskId id = KioskId.of("it-kiosk-a");
        try (ViewerClient first = watching(id); ViewerClient second = watching(id);
                ViewerClient elsewhere = watching(KioskId.of("it-kiosk-a2"));
                ViewerClient anonymous = ViewerClient.connect(BROKER)) {
            MqttClient kiosk = kiosk(id);
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(id, 1, 36.9)));
            String expected = "{\"type\":\"reading\",\"measurement\":"
                    + WireCodec.json(4096).encodeToString(reading(id, 1, 36.9)) + "}";
            assertEquals(expected, first.nextReadingFrom(id.value(), WAIT));
            assertEquals(expected, second.nextReadingFrom(id.value(), WAIT));
            // Both of this kiosk's doctors have their reading; the others, connected before it, got nothing.
            assertEquals(1, elsewhere.receivedCount(), "only the welcome: " + elsewhere.seen());
            assertEquals(0, anonymous.receivedCount());
            kiosk.disconnect();
            kiosk.close();
        }
    }

    @Test
    void malformedPayloadsAreRejectedAndCountedWhileGoodReadingsStillArrive() throws Exception {
        KioskId id = KioskId.of("it-kiosk-b");
        var intake = BROKER.broker().intake();
        long mismatchBefore = intake.rejectedCount(Reason.MISMATCH);
        long totalBefore = intake.rejectedCounts().values().stream().mapToLong(Long::longValue).sum();
        try (ViewerClient viewer = watching(id)) {
            MqttClient kiosk = kiosk(id);
            String topic = Topics.measurements(id);
            publish(kiosk, topic, "not cbor at all \u0000".getBytes(StandardCharsets.UTF_8));
            publish(kiosk, topic, CBOR.encode(java.util.Map.of("type", "measurement", "kiosk", id.value())));
            publish(kiosk, topic, CBOR.encode(reading(KioskId.of("someone-else"), 7, 35.0)));
            publish(kiosk, topic, CBOR.encode(reading(id, 8, 37.25)));

            String good = viewer.nextReadingFrom(id.value(), WAIT);
            assertTrue(good.contains("\"seq\":8") && good.contains("37.25"), good);
            await().atMost(WAIT).until(() ->
                    intake.rejectedCounts().values().stream().mapToLong(Long::longValue).sum() == totalBefore + 3);
            assertEquals(mismatchBefore + 1, intake.rejectedCount(Reason.MISMATCH));
            kiosk.disconnect();
            kiosk.close();
        }
    }

    @Test
    void anOversizedWebSocketMessageClosesOnlyThatSocketWith1009() throws Exception {
        KioskId id = KioskId.of("it-kiosk-c");
        try (ViewerClient offender = watching(id); ViewerClient bystander = watching(id)) {
            offender.send("{\"type\":\"ping\",\"nonce\":\"" + "x".repeat(20_000) + "\"}");
            assertEquals(1009, offender.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));

            MqttClient kiosk = kiosk(id);
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(id, 1, 36.4)));
            assertTrue(bystander.nextReadingFrom(id.value(), WAIT).contains("36.4"));
            kiosk.disconnect();
            kiosk.close();
        }
    }

    @Test
    void aKiosksStatusReachesViewersAndALaterViewerGetsTheLatestOne() throws Exception {
        KioskId id = KioskId.of("it-kiosk-h");
        KioskStatus status = new KioskStatus(id, Instant.parse("2026-11-22T10:00:00Z"),
                java.util.List.of(new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6")),
                0, 0);
        try (ViewerClient viewer = watching(id)) {
            MqttClient kiosk = kiosk(id);
            publish(kiosk, Topics.status(id), CBOR.encode(status));
            String event = viewer.nextOfType("status", WAIT);
            while (!event.contains("it-kiosk-h")) { // a late viewer first gets other kiosks' latest statuses
                event = viewer.nextOfType("status", WAIT);
            }
            assertTrue(event.contains("\"state\":\"absent\""), event);
            kiosk.disconnect();
            kiosk.close();
        }
        try (ViewerClient late = watching(id)) {
            String event = late.nextOfType("status", WAIT);
            while (!event.contains("it-kiosk-h")) {
                event = late.nextOfType("status", WAIT);
            }
            assertTrue(event.contains("no answer on GPIO 5/6"), event);
        }
    }

    @Test
    void aKiosksDroppedCountAndOutboxFaultReachTheViewersAndHealthz() throws Exception {
        KioskId id = KioskId.of("it-kiosk-outbox");
        KioskStatus status = new KioskStatus(id, Instant.parse("2026-11-22T10:00:00Z"), java.util.List.of(), 5, 12,
                "outbox file was corrupt (truncated); 40 readings recovered");
        try (ViewerClient viewer = watching(id)) {
            MqttClient kiosk = kiosk(id);
            publish(kiosk, Topics.status(id), CBOR.encode(status));
            String event = viewer.nextOfType("status", WAIT);
            while (!event.contains("it-kiosk-outbox")) {
                event = viewer.nextOfType("status", WAIT);
            }
            assertTrue(event.contains("\"dropped\":12") && event.contains("40 readings recovered"), event);
            kiosk.disconnect();
            kiosk.close();
        }
        String health = get("/healthz").body();
        assertTrue(health.contains("\"kiosks\":{\"reporting\":"), health);
        assertTrue(health.matches(".*\"outboxFaults\":[1-9].*"), health);
    }

    @Test
    void aMalformedWebSocketMessageClosesWith1007AfterAnError() throws Exception {
        try (ViewerClient viewer = watching(KioskId.of("it-kiosk-m"))) {
            viewer.send("{\"type\":\"ping\",\"nonce\":\"ok\",\"nonce\":\"dup\"}");
            assertTrue(viewer.nextOfType("error", WAIT).contains("not-decodable"));
            assertEquals(1007, viewer.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aSocketWithoutAValidSessionIsRefusedWith4401AndGetsNoReadings() throws Exception {
        try (ViewerClient viewer = ViewerClient.connect(BROKER)) {
            viewer.send(VitalsFixture.hello(OpaqueToken.generate(
                    new java.security.SecureRandom()), ConsultationId.random()));
            assertTrue(viewer.nextOfType("error", WAIT).contains("not-authenticated"));
            assertEquals(4401, viewer.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aPingIsAnsweredOnTheSocket() throws Exception {
        try (ViewerClient viewer = watching(KioskId.of("it-kiosk-p"))) {
            viewer.send("{\"type\":\"ping\",\"nonce\":\"abc-123\"}");
            assertEquals("{\"type\":\"pong\",\"nonce\":\"abc-123\"}", viewer.nextOfType("pong", WAIT));
        }
    }

    @Test
    void aKioskCannotPublishUnderAnotherKiosksTopic() throws Exception {
        KioskId id = KioskId.of("it-kiosk-e");
        KioskId victim = KioskId.of("it-kiosk-f");
        long acceptedBefore = BROKER.broker().intake().acceptedCount();
        MqttClient kiosk = kiosk(id);
        try {
            publish(kiosk, Topics.measurements(victim), CBOR.encode(reading(victim, 1, 42.0)));
        } catch (MqttException refusedOrDisconnected) {
            // PUBACK 0x87, then DISCONNECT 0x87 (ForgedPublishIntegrationTest).
        }
        try (ViewerClient viewer = watching(KioskId.of("it-kiosk-g"))) {
            MqttClient honest = kiosk(KioskId.of("it-kiosk-g"));
            publish(honest, Topics.measurements(KioskId.of("it-kiosk-g")),
                    CBOR.encode(reading(KioskId.of("it-kiosk-g"), 1, 36.0)));
            viewer.nextReadingFrom("it-kiosk-g", WAIT);
            assertTrue(viewer.seen().stream().noneMatch(m -> m.contains("it-kiosk-f")),
                    "the forged reading never arrives: " + viewer.seen());
            honest.disconnect();
            honest.close();
        }
        assertEquals(acceptedBefore + 1, BROKER.broker().intake().acceptedCount());
        kiosk.close(true);
    }

    @Test
    void aReadingPublishedTwiceIsStoredOnceAndShownToAViewerOnce() throws Exception {
        KioskId id = KioskId.of("it-kiosk-i");
        var store = BROKER.broker().store();
        long duplicatesBefore = store.counters().duplicates();
        try (ViewerClient viewer = watching(id)) {
            MqttClient kiosk = kiosk(id);
            byte[] first = CBOR.encode(reading(id, 1, 36.6));
            publish(kiosk, Topics.measurements(id), first);
            publish(kiosk, Topics.measurements(id), first);
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(id, 2, 36.7)));

            // Readings are stored and forwarded in arrival order, so once seq 2 is shown the repeat of seq 1 is handled.
            viewer.nextReadingFrom(id.value(), WAIT);
            assertTrue(viewer.nextReadingFrom(id.value(), WAIT).contains("\"seq\":2"));
            long shownSeq1 = viewer.seen().stream()
                    .filter(m -> m.contains("\"it-kiosk-i\"") && m.contains("\"seq\":1,")).count();
            assertEquals(1, shownSeq1, viewer.seen().toString());
            assertEquals(java.util.List.of(reading(id, 1, 36.6), reading(id, 2, 36.7)),
                    store.measurements(id, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).join());
            assertEquals(duplicatesBefore + 1, store.counters().duplicates());
            assertTrue(get("/healthz").body().contains("\"store\":{\"stored\":"));
            kiosk.disconnect();
            kiosk.close();
        }
    }
}

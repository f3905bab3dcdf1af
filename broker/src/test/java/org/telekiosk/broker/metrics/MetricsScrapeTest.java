package org.telekiosk.broker.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * A real broker scraped as Prometheus scrapes it, over HTTP on its metrics listener, after a kiosk's readings went
 * through MQTT, the store and a doctor's vitals socket.
 */
class MetricsScrapeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final Instant TAKEN = Instant.now().plus(Duration.ofDays(1)).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS);

    /** Its own broker: the test asserts broker-wide counts. */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aScrapeAfterReadingsShowsThemAcceptedRefusedStoredDeliveredAndTheJvm() throws Exception {
        KioskId id = KioskId.of("metrics-kiosk-a");
        try (ViewerClient doctor = ViewerClient.doctorWatching(BROKER, id)) {
            MqttClient kiosk = TestKiosk.enroll(BROKER, id).connect(BROKER);
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(id, 1, 36.9)));
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(id, 2, 37.0)));
            // Taken a minute ago by the kiosk's clock: in the lag histogram (the two above are a day ahead: skewed).
            publish(kiosk, Topics.measurements(id), CBOR.encode(new Measurement(id, 5, SensorId.of("mlx90614"),
                    LoincCode.BODY_TEMPERATURE, 36.8, UcumUnit.CELSIUS, Instant.now().minusSeconds(60))));
            publish(kiosk, Topics.measurements(id), "not cbor at all \u0000".getBytes(StandardCharsets.UTF_8));
            publish(kiosk, Topics.measurements(id), CBOR.encode(reading(KioskId.of("someone-else"), 3, 35.0)));
            doctor.nextReadingFrom(id.value(), WAIT);
            doctor.nextReadingFrom(id.value(), WAIT);

            await().atMost(WAIT).until(() -> {
                String body = scrape().body();
                return value(body, "telekiosk_readings_stored_total") == 3.0
                        && value(body, "telekiosk_readings_refused_total{reason=\"mismatch\"}") == 1.0
                        && value(body, "telekiosk_viewer_order_gaps_total") == 1.0;
            });
            HttpResponse<String> response = scrape();
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("content-type").orElseThrow());
            String text = response.body();
            assertEquals(3.0, value(text, "telekiosk_readings_accepted_total"));
            assertEquals(2.0, value(text, "telekiosk_store_lag_skewed_total"), text);
            assertEquals(1.0, value(text, "telekiosk_store_lag_seconds_count"), text);
            assertTrue(value(text, "telekiosk_store_lag_seconds_sum") >= 60, text);
            assertEquals(0.0, value(text, "telekiosk_store_lag_seconds_bucket{le=\"30.0\"}"), text);
            assertEquals(1.0, value(text, "telekiosk_store_lag_seconds_bucket{le=\"300.0\"}"), text);
            // Nothing waits for the writer once everything is stored.
            assertEquals(0.0, value(text, "telekiosk_store_queue"), text);
            double refused = text.lines().filter(l -> l.startsWith("telekiosk_readings_refused_total{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertEquals(2.0, refused, "the garbage and the other kiosk's reading:\n" + text);
            assertEquals(1.0, value(text, "telekiosk_readings_refused_total{reason=\"mismatch\"}"));
            assertEquals(0.0, value(text, "telekiosk_readings_refused_total{reason=\"too-large\"}"));
            assertEquals(0.0, value(text, "telekiosk_readings_duplicate_total"));
            assertTrue(value(text, "telekiosk_viewer_deliveries_total") >= 2, text);
            assertEquals(1.0, value(text, "telekiosk_viewer_sockets"));
            // The vitals ordering: seq 1, 2 and 5 all waited (1 and 2 as the kiosk's first, whatever the intake
            // connections' order; 5 for 3 and 4, which never come: one gap given up), none is late, none waits now.
            assertEquals(3.0, value(text, "telekiosk_viewer_order_reordered_total"), text);
            assertEquals(1.0, value(text, "telekiosk_viewer_order_gaps_total"), text);
            assertEquals(0.0, value(text, "telekiosk_viewer_order_late_dropped_total"), text);
            assertEquals(0.0, value(text, "telekiosk_viewer_order_held"), text);
            assertEquals(1.0, value(text, "telekiosk_viewer_order_kiosks"), text);
            // Where the readings' time went: the three stored each with its queue wait, one with its intake lag (the
            // two a day ahead have a kiosk clock ahead), every commit's phases, the doctor's readings' delay, and
            // each of the three waits in the ordering with its cause.
            assertEquals(3.0, value(text, "telekiosk_store_queue_wait_seconds_count"), text);
            assertEquals(1.0, value(text, "telekiosk_intake_lag_seconds_count"), text);
            assertTrue(value(text, "telekiosk_intake_lag_seconds_sum") >= 59, text);
            double commits = value(text, "telekiosk_store_commits_total");
            assertTrue(commits >= 1, text);
            for (String phase : new String[] {"gather", "transaction", "handoff"}) {
                assertEquals(commits, value(text, "telekiosk_store_batch_seconds_count{phase=\"" + phase + "\"}"), text);
            }
            assertTrue(value(text, "telekiosk_viewer_delay_seconds_count") >= 2, text);
            double waits = 0;
            for (String cause : new String[] {"first", "gap-closed", "gap-given-up", "too-many"}) {
                waits += value(text, "telekiosk_viewer_order_wait_seconds_count{cause=\"" + cause + "\"}");
            }
            assertEquals(3.0, waits, text);
            assertTrue(value(text, "telekiosk_viewer_order_wait_seconds_count{cause=\"first\"}") >= 2, text);
            assertEquals(1.0, value(text, "telekiosk_viewer_kiosks"), text);
            // the kiosk and the broker's own intake connections (mqtt.intake-connections)
            assertEquals(1.0 + BROKER.broker().config().mqttIntakeConnections(),
                    value(text, "telekiosk_mqtt_connections"));
            assertEquals(1.0, value(text, "telekiosk_mqtt_subscribed"));
            assertEquals(0.0, value(text, "telekiosk_mqtt_messages_dropped_total"));
            assertEquals(0.0, value(text, "telekiosk_kiosk_messages_revoked_dropped_total"), text);
            assertTrue(value(text, "telekiosk_mqtt_publishes_incoming_total") >= 4, text);
            // The kiosk's five publishes were all authorized and, by the in-process intake (the default with the
            // embedded MQTT broker), each answered once taken care of (it refused two of them); none went on to the
            // shared subscription.
            assertEquals(5.0, value(text, "telekiosk_mqtt_publishes_inprocess_acknowledged_total"), text);
            assertEquals(0.0, value(text, "telekiosk_mqtt_publishes_inprocess_send_again_total"), text);
            assertEquals(0.0, value(text, "telekiosk_mqtt_publishes_routed_total"), text);
            assertEquals(0.0, value(text, "telekiosk_mqtt_subscriber_stall_restarts_total"), text);
            assertTrue(text.contains("# TYPE telekiosk_readings_stored_total counter"), text);
            assertTrue(text.contains("# HELP telekiosk_readings_refused_total Kiosk messages the intake refused"),
                    text);
            assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}") >= 0
                    || text.contains("jvm_memory_used_bytes{area=\"heap\""), text);
            assertTrue(value(text, "process_uptime_seconds") > 0, text);
            assertTrue(text.contains("jvm_threads_live_threads "), text);
            assertTrue(text.contains("# TYPE telekiosk_store_acks_published_total counter"), text);
            kiosk.disconnect();
            kiosk.close();
        }
    }

    @Test
    void aScrapeShowsConsultationsByStateSignalingSocketsAndRefusedLoginsCodesAndHandshakes() throws Exception {
        String before = scrape().body();
        for (String state : new String[] {"scheduled", "waiting", "in-call", "ended"}) {
            value(before, "telekiosk_consultations{state=\"" + state + "\"}");
        }
        var access = BROKER.broker().access();
        var doctor = VitalsFixture.account(access, "metrics-doctor-b", Role.DOCTOR);
        VitalsFixture.inCall(access, doctor, KioskId.of("metrics-kiosk-b"));
        VitalsFixture.room(access, doctor, KioskId.of("metrics-kiosk-c"));
        await().atMost(WAIT).until(() -> {
            String body = scrape().body();
            return delta(before, body, "telekiosk_consultations{state=\"in-call\"}") == 1
                    && delta(before, body, "telekiosk_consultations{state=\"scheduled\"}") == 1;
        });

        RestClient rest = new RestClient(BROKER);
        assertEquals(401, rest.send("POST", "/api/v1/session",
                "{\"login\":\"nobody-here\",\"password\":\"whatever it is\"}", Map.of()).status());
        assertEquals(401, rest.send("POST", "/api/v1/session",
                "{\"login\":\"metrics-doctor-b\",\"password\":\"not the passphrase\"}", Map.of()).status());

        try (ViewerClient socket = ViewerClient.signaling(BROKER)) {
            await().atMost(WAIT).until(() -> delta(before, scrape().body(), "telekiosk_signaling_sockets") == 1);
            socket.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"code\","
                    + "\"code\":\"not-a-code\",\"name\":\"\"}}");
            socket.closeCode().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
        await().atMost(WAIT).until(() -> delta(before, scrape().body(), "telekiosk_signaling_sockets") == 0);

        // Plain HTTP to the HTTPS port: the TLS handler refuses the first record.
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", BROKER.broker().httpsPort())) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getInputStream().readAllBytes();
        }
        await().atMost(WAIT).until(() -> delta(before, scrape().body(),
                "telekiosk_tls_handshakes_refused_total{listener=\"https\",reason=\"not-tls\"}") == 1);

        // The embedded HiveMQ's listener: plain MQTT to its TLS port, then TLS without a client certificate.
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", BROKER.broker().mqttPort())) {
            plain.getOutputStream().write(new byte[] {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00,
                0x3c, 0x00, 0x00, 0x03, 'a', 'b', 'c'});
            plain.getInputStream().readAllBytes();
        } catch (java.io.IOException closedByTheBroker) {
            // a reset is as good as a close here
        }
        await().atMost(WAIT).until(() -> delta(before, scrape().body(),
                "telekiosk_tls_handshakes_refused_total{listener=\"mqtt\",reason=\"not-tls\"}") == 1);
        try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) BROKER.tls().getSocketFactory()
                .createSocket("127.0.0.1", BROKER.broker().mqttPort())) {
            tls.startHandshake();
            tls.getInputStream().readAllBytes();
        } catch (java.io.IOException refusedWithoutACertificate) {
            // TLS 1.3: the client may finish its side before the server refuses the missing certificate
        }
        await().atMost(WAIT).until(() -> delta(before, scrape().body(),
                "telekiosk_tls_handshakes_refused_total{listener=\"mqtt\",reason=\"handshake\"}") == 1);

        String after = scrape().body();
        assertEquals(1, delta(before, after, "telekiosk_logins_refused_total{reason=\"unknown-name\"}"), after);
        assertEquals(1, delta(before, after, "telekiosk_logins_refused_total{reason=\"wrong-password\"}"), after);
        assertEquals(0, delta(before, after, "telekiosk_logins_refused_total{reason=\"throttled\"}"), after);
        assertEquals(1, delta(before, after, "telekiosk_join_codes_refused_total{reason=\"malformed\"}"), after);
        assertEquals(0, delta(before, after, "telekiosk_join_codes_refused_total{reason=\"unknown\"}"), after);
        assertTrue(after.contains("# TYPE telekiosk_consultations gauge"), after);
        assertEquals(1, delta(before, after,
                "telekiosk_tls_handshakes_refused_total{listener=\"mqtt\",reason=\"not-tls\"}"), after);
    }

    /**
     * docs/operations.md lists every telekiosk meter a broker exposes, and the Grafana dashboard in docs/ asks only
     * for meters a broker exposes.
     */
    @Test
    void everyMeterIsDocumentedAndTheDashboardUsesOnlyExposedMeters() throws Exception {
        String text = scrape().body();
        java.util.Set<String> exposed = exposedMeters(text);
        assertTrue(exposed.size() > 20, text);
        String operations = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operations.md"));
        java.util.List<String> undocumented = exposed.stream().filter(m -> !operations.contains(m)
                && !operations.contains(m.replaceAll("_(total|seconds|seconds_max)$", ""))).toList();
        assertEquals(java.util.List.of(), undocumented, "meters missing from docs/operations.md");

        java.util.Set<String> unknown = new java.util.TreeSet<>();
        for (String name : dashboardMeters()) {
            if (text.lines().noneMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "))) {
                unknown.add(name);
            }
        }
        assertEquals(java.util.Set.of(), unknown, "the dashboard asks for meters the broker does not expose");
        assertTrue(operations.contains("grafana-dashboard.json"), "docs/operations.md points to the dashboard");
    }

    /**
     * Every telekiosk meter a broker exposes has a panel on the dashboard, or docs/operations.md names it in its
     * paragraph of meters deliberately left off ("**Not on the dashboard**"): a new meter cannot be forgotten there.
     */
    @Test
    void everyExposedMeterHasAPanelOrIsLeftOffOnPurpose() throws Exception {
        java.util.Set<String> onPanels = dashboardMeters();
        String operations = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operations.md"));
        String leftOff = operations.lines().filter(l -> l.startsWith("**Not on the dashboard**")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/operations.md has no '**Not on the dashboard**' line"));
        java.util.List<String> missing = exposedMeters(scrape().body()).stream()
                .map(m -> m.replaceAll("_max$", ""))
                .filter(m -> onPanels.stream().noneMatch(used -> used.equals(m) || used.startsWith(m + "_")))
                .filter(m -> !leftOff.contains("`" + m + "`"))
                .distinct().toList();
        assertEquals(java.util.List.of(), missing, "meters neither on a panel nor left off on purpose");
    }

    /** The telekiosk meters the scrape declares ({@code # TYPE} lines). */
    private static java.util.Set<String> exposedMeters(String text) {
        java.util.Set<String> exposed = new java.util.TreeSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE telekiosk_")).forEach(l -> exposed.add(l.split(" ")[2]));
        return exposed;
    }

    /** The telekiosk meter names in the expressions of every panel of docs/grafana-dashboard.json. */
    private static java.util.Set<String> dashboardMeters() throws java.io.IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "docs", "grafana-dashboard.json")));
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Pattern meter = java.util.regex.Pattern.compile("telekiosk_[a-z_]+");
        assertTrue(json.path("panels").size() > 10, "the dashboard has its panels");
        for (var panel : json.path("panels")) {
            assertTrue(panel.path("targets").size() > 0, "panel '" + panel.path("title").asText() + "' asks for something");
            for (var target : panel.path("targets")) {
                java.util.regex.Matcher used = meter.matcher(target.path("expr").asText());
                while (used.find()) {
                    names.add(used.group());
                }
            }
        }
        return names;
    }

    @Test
    void theListenerIsOnLoopbackByDefaultAndServesOnlyGetAndHeadOfMetrics() throws Exception {
        URI url = BROKER.broker().metricsUrl().orElseThrow();
        assertEquals("127.0.0.1", url.getHost(), "metrics.bind defaults to loopback");
        assertEquals(404, http.send(HttpRequest.newBuilder(url.resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("allow").orElseThrow());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(url).HEAD().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void theMetricsAreNotOnThePublicHttpsListener() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(BROKER.tls()).build();
        assertEquals(404, https.send(HttpRequest.newBuilder(BROKER.https("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private HttpResponse<String> scrape() throws Exception {
        return http.send(HttpRequest.newBuilder(BROKER.broker().metricsUrl().orElseThrow()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** How much {@code sample} grew from {@code before} to {@code after}. */
    private static double delta(String before, String after, String sample) {
        return value(after, sample) - value(before, sample);
    }

    /** The sample's value in the text exposition; a missing sample fails. */
    private static double value(String text, String sample) {
        Map<String, Double> samples = new LinkedHashMap<>();
        text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            int space = l.lastIndexOf(' ');
            samples.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return Optional.ofNullable(samples.get(sample))
                .orElseThrow(() -> new AssertionError("no sample " + sample + " in:\n" + text));
    }

    private static Measurement reading(KioskId kiosk, long seq, double celsius) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, celsius,
                UcumUnit.CELSIUS, TAKEN.plusSeconds(seq));
    }

    private static void publish(MqttClient client, String topic, byte[] payload) throws Exception {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        client.publish(topic, message);
    }
}

package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.broker.testing.HiveMqTestSettings;

/**
 * The load generator of issue 16, small: three kiosks for a few seconds against a real broker, the generator in its own
 * process, then the raw ceiling through a plain HiveMQ. What must hold is the bookkeeping, not speed: every reading
 * the kiosks published was PUBACKed, stored exactly once, acknowledged to its kiosk after the commit and delivered to
 * its doctor's socket once; the raw phase delivered every reading to its subscriber (at least once). With each of the
 * generator's kiosk clients: its own Netty MQTT client ({@link NettyUplink}, the default) and the agent's real
 * {@code PahoUplink}.
 */
class LoadGeneratorSmokeTest {
    @TempDir
    Path work;

    @ParameterizedTest(name = "kiosks with the {0} client")
    @ValueSource(strings = {"netty", "agent"})
    void everyPublishedReadingIsStoredOnceAcknowledgedAndDeliveredAndTheRawCeilingRuns(String client) throws Exception {
        long[] rows = new long[2];
        // A 1 s warm-up and a 1 s window a step (5 s and minutes in a benchmark): what is checked here is bookkeeping,
        // not speed; 3 kiosks at 3 readings a second still publish 18 readings a step, 9 of them timed in the window.
        LoadBenchmark.Outcome outcome = LoadBenchmark.run(3, 1, "3", true, client, Duration.ofSeconds(1), work,
                broker -> {
            Properties readOnly = new Properties();
            readOnly.setProperty("open_mode", "1");
            try (var connection = DriverManager.getConnection("jdbc:sqlite:"
                    + broker.dataDir().resolve("store").resolve("telekiosk.db"), readOnly);
                    var query = connection.createStatement().executeQuery(
                            "SELECT count(*), count(DISTINCT kiosk || '/' || seq) FROM reading"
                                    + " WHERE kiosk LIKE 'load-%'")) {
                query.next();
                rows[0] = query.getLong(1);
                rows[1] = query.getLong(2);
            }
        });
        Map<String, String> t = outcome.telekiosk();
        assertEquals(client, t.get("client"), "the generator's kiosk client: " + t);
        long published = Long.parseLong(t.get("published"));
        assertTrue(published > 9, "readings published: " + t);
        assertEquals("0", t.get("failed"), "failed after admission: " + t);
        assertEquals("true", t.get("drained"), "the path drained: " + t);
        assertEquals(published, Long.parseLong(t.get("pubacked")), "PUBACKed: " + t);
        assertEquals(published, Long.parseLong(t.get("storeAcked")), "store-acknowledged to the kiosks: " + t);
        assertEquals(published, Long.parseLong(t.get("delivered")), "delivered to the doctors' sockets: " + t);
        assertEquals(published, rows[0], "rows in the store");
        assertEquals(published, rows[1], "distinct (kiosk, seq) in the store");
        assertEquals(published, outcome.stored(), "the store's counter");
        assertEquals(0, outcome.duplicates(), "duplicates");
        assertTrue(outcome.accepted() >= published, "accepted (readings and statuses): " + outcome.accepted());
        assertTrue(outcome.acknowledged() >= published, "acknowledged to MQTT: " + outcome.acknowledged());
        assertTrue(outcome.delivered() >= published, "frames to viewer sockets: " + outcome.delivered());
        assertTrue(Long.parseLong(t.get("timed")) > 0, "readings timed in the window: " + t);

        Map<String, String> raw = outcome.raw();
        long rawPublished = Long.parseLong(raw.get("published"));
        assertTrue(rawPublished > 9, "raw: published: " + raw);
        assertEquals("0", raw.get("failed"), "raw: failed: " + raw);
        assertEquals("true", raw.get("drained"), "raw: drained: " + raw);
        assertEquals(rawPublished, Long.parseLong(raw.get("pubacked")), "raw: PUBACKed: " + raw);
        // Plain QoS 1 is at least once: after a reconnect of the raw subscriber (HiveMQ CE's shared-subscription
        // stall, see LoadGenerator) a message may come twice.
        assertTrue(Long.parseLong(raw.get("delivered")) >= rawPublished, "raw: delivered: " + raw);
        // Its HiveMQ stopped without the 2 s Netty quiet period, as the Telekiosk broker's in a test JVM.
        assertEquals(HiveMqTestSettings.inForce(), outcome.rawQuickStop(), "raw: HiveMqNettyStop applied");
    }
}

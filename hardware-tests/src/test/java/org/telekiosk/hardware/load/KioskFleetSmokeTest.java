package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * The light kiosks of issue 16's connection benchmark ({@link KioskFleet}: Netty's MQTT codec, one channel per kiosk)
 * against a real broker, small: three kiosks enrolled with the agent's {@code Enroller}, connected with their own
 * certificates, publishing QoS 1 readings. What must hold is that they are kiosks the broker takes like agents: every
 * reading PUBACKed, stored exactly once and store-acknowledged to its kiosk, and the keep-alive answered.
 */
class KioskFleetSmokeTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path work;

    @Test
    void lightKiosksReadingsAreStoredOnceAcknowledgedAndTheirKeepAliveIsAnswered() throws Exception {
        List<KioskFleet.Planned> planned = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            KioskId kiosk = KioskId.of(String.format(Locale.ROOT, "fleet-%02d", i));
            planned.add(new KioskFleet.Planned(kiosk, BROKER.broker().enrollment()
                    .createToken(kiosk, "Fleet " + kiosk, AuditActor.system()).line()));
        }
        // Keep Alive 5 s: the server ends a connection after 1.5 times it without a packet (MQTT 5 §3.1.2.10); with 1 s,
        // a build machine at a load of 55 stalled the kiosks' PINGREQs past that and all three connections ended.
        try (KioskFleet fleet = new KioskFleet(BROKER.broker().url(), work, Duration.ofMillis(100),
                Duration.ofSeconds(5))) {
            assertEquals(0, fleet.enrollAndConnect(planned, Duration.ofMinutes(2)), "connect failures");
            assertEquals(3, fleet.connected());
            Awaitility.await("readings published").atMost(Duration.ofMinutes(1))
                    .until(() -> fleet.counters.published.sum() >= 15);
            fleet.stopPublishing();
            // generous: on a loaded build machine the subscription path takes its time (docs/benchmarks.md)
            Awaitility.await("every reading PUBACKed and store-acknowledged").atMost(Duration.ofMinutes(2))
                    .untilAsserted(() -> assertTrue(fleet.settled(), () -> KioskLoad.counters(fleet)));
            // nothing written for the Keep Alive: PINGREQ, answered with PINGRESP (MQTT 5 §3.1.2.10)
            Awaitility.await("a keep-alive answered").atMost(Duration.ofMinutes(1))
                    .until(() -> fleet.counters.pingResponses.sum() > 0);
            long published = fleet.counters.published.sum();
            assertEquals(0, fleet.counters.refusedByWindow.sum(), "readings refused by a full window");
            assertEquals(published + 3, fleet.counters.pubacked.sum(),
                    "PUBACKs: the readings and each kiosk's presence");
            assertEquals(published, fleet.counters.storeAcknowledged(), "store-acknowledged through");
            Properties readOnly = new Properties();
            readOnly.setProperty("open_mode", "1");
            try (var connection = DriverManager.getConnection("jdbc:sqlite:"
                    + BROKER.dataDir().resolve("store").resolve("telekiosk.db"), readOnly);
                    var query = connection.createStatement().executeQuery(
                            "SELECT count(*), count(DISTINCT kiosk || '/' || seq) FROM reading"
                                    + " WHERE kiosk LIKE 'fleet-%'")) {
                query.next();
                assertEquals(published, query.getLong(1), "rows in the store");
                assertEquals(published, query.getLong(2), "distinct (kiosk, seq) in the store");
            }
            assertEquals(0, BROKER.broker().store().counters().duplicates(), "duplicates");
            assertEquals(3, fleet.connected(), "still connected");
            // the fleet tries again as the agent does; here no attempt may fail and no connection may end
            assertEquals(java.util.Map.of(), fleet.counters.failures(), "failed attempts and lost connections");
        }
    }
}

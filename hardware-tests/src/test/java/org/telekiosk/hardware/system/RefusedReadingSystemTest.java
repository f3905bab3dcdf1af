package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * Issue 12, defect 5: a reading the broker refuses must not stall its kiosk. The poison is real: the broker takes MQTT
 * payloads of at most 2,048 bytes ({@code mqtt.max-payload-bytes}), and the kiosk is configured for ECG batches of 3 s
 * at 860 samples/s (more than 2,580 bytes), so every ECG batch is refused as {@code too-large}, between the spot
 * readings (temperature, weight) around it. The real agent (sampler, outbox, Paho uplink over mutual TLS) against the
 * real broker (embedded HiveMQ, the broker's MQTT client, the store).
 */
class RefusedReadingSystemTest {
    /**
     * "Within seconds": without the fix the acknowledgement never passes the refused reading (the kiosk resends it
     * for ever); with it, it passes in well under a second on an idle machine. The bound allows for a build machine
     * with a load of 30 on two cores (seen: 6.5 s from the broker's refusal to the kiosk's quarantine).
     */
    private static final Duration SECONDS = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.max-payload-bytes", "2048"));

    @TempDir
    Path kioskDir;

    @Test
    void aRefusedReadingIsQuarantinedAndReportedAndTheGoodReadingsAfterItAreStoredAndAcknowledgedWithinSeconds()
            throws Exception {
        KioskId kiosk = KioskId.of("refuse-kiosk-01");
        AgentConfig config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=200ms",
                "status.interval=1s", "sensor.ads1115.sample-rate=860", "sensor.ads1115.batch=3s",
                "sensor.max30102.batch=200ms", "sensor.bp-monitor.enabled=false");
        MeasurementStore store = BROKER.broker().store();
        try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 12);
                Agent agent = started(config, hardware)) {
            await("a first ECG batch rejected by the broker").atMost(Duration.ofSeconds(30)).until(() -> BROKER.broker()
                    .intake().rejectedCount(MalformedMessageException.Reason.TOO_LARGE) >= 1);
            long numberedByThen = lastSeq(config); // the poison is at or below it

            // The good readings after it: stored, and acknowledged to the kiosk, within seconds.
            await("store-ack past the refused reading").atMost(SECONDS)
                    .until(() -> agent.outboxStatus().storedThrough() > numberedByThen + 5);
            long poison = store.progress(kiosk, 0, StoreAck.MAX_REFUSED).get().refused().getFirst();
            assertTrue(poison <= numberedByThen, poison + " <= " + numberedByThen);
            List<Measurement> after = store.measurements(kiosk, Instant.EPOCH, Instant.now().plusSeconds(60)).get()
                    .stream().filter(m -> m.seq() > poison).toList();
            assertTrue(after.size() >= 5, "good readings after the poison are stored: " + after.size());

            // The poison: quarantined on the kiosk's disk, counted as refused, never sent again.
            await("quarantined").atMost(SECONDS).until(() -> agent.outboxStatus().refused() >= 1);
            assertTrue(quarantined(config).contains(poison), "quarantine holds " + quarantined(config));
            long through = agent.outboxStatus().storedThrough();
            await("acknowledgements go on").atMost(SECONDS)
                    .until(() -> agent.outboxStatus().storedThrough() > through + 10);
            // The count and the list agree; every ECG batch here is refused, so one may land between two reads.
            long countBefore = store.refusedCount(kiosk).get();
            long listed = store.progress(kiosk, 0, StoreAck.MAX_REFUSED).get().refused().size();
            long countAfter = store.refusedCount(kiosk).get();
            assertTrue(countBefore <= listed && listed <= countAfter,
                    "refused: counted " + countBefore + ".." + countAfter + ", listed " + listed);

            // The broker audited it; its fleet view counts it for the technician page.
            assertTrue(BROKER.broker().audit().since(Instant.EPOCH).stream().anyMatch(e ->
                    e.action() == AuditAction.READING_REFUSED && e.actor().value().equals("kiosk:" + kiosk)
                            && e.subject().equals("seq " + poison) && e.detail().startsWith("too-large")));
            assertEquals(0, store.conflictCount(kiosk).get());
            // The agent negotiated the PUBACK as its store acknowledgement: its refused readings were answered 0x99.
            assertTrue(BROKER.broker().inProcessIntake().orElseThrow().refusedByPubackCount() >= 1);
        }
    }

    private static Agent started(AgentConfig config, SimulatedKiosk hardware) throws Exception {
        hardware.startClock();
        return Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime);
    }

    private static long lastSeq(AgentConfig config) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.dataDir().resolve(Outbox.FILE_NAME));
                ResultSet rs = c.createStatement().executeQuery("SELECT last_seq FROM outbox_meta")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> quarantined(AgentConfig config) throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.dataDir().resolve(Outbox.FILE_NAME));
                ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM quarantine ORDER BY seq")) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
        }
        return seqs;
    }
}

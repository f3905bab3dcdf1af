package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * The real agent (sampler, outbox, Paho uplink over mutual TLS) against the real broker (embedded HiveMQ, the store):
 * with the in-process intake the agent negotiates the PUBACK as the store acknowledgement and deletes its readings on
 * their PUBACKs, while the store-acks stay where its status put them (the status goes once a minute: the test is over
 * long before a second); with the shared subscription there is nothing to negotiate and the store-acks delete them, as
 * before. Either way every reading is stored and leaves the outbox only once it is.
 */
abstract class PubackStoreAckSystemCase {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path kioskDir;

    abstract BrokerExtension broker();

    abstract String name();

    /** Checks, once the outbox let go of every reading up to {@code through}, the agent's store-ack. */
    abstract void check(long storedThrough, long through);

    @Test
    void theOutboxLetsGoOfAReadingOnlyOnceTheStoreHasItByPubackWhereNegotiatedByStoreAckOtherwise() throws Exception {
        KioskId kiosk = KioskId.of(name());
        AgentConfig config = KioskProvisioning.provision(broker(), kiosk, kioskDir, "sampling.interval=100ms",
                "sensor.bp-monitor.enabled=false");
        MeasurementStore store = broker().broker().store();
        try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(),
                org.telekiosk.agent.sensor.simulation.SimulatedPatient.DEFAULT, 12)) {
            hardware.startClock();
            try (Agent agent = Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime)) {
                await("readings stored").atMost(WAIT).until(() -> store.progress(kiosk).get().highest() >= 10);
                long through = store.progress(kiosk).get().highest() + 150;
                await("the outbox lets go of every reading up to " + through).atMost(WAIT).until(() ->
                        store.progress(kiosk).get().contiguous() >= through && heldAtOrBelow(config, through) == 0);
                check(agent.outboxStatus().storedThrough(), through);
                // Never one before the store had it: every number up to there is in the store.
                assertTrue(store.progress(kiosk).get().contiguous() >= through);
            }
        }
    }

    private static long heldAtOrBelow(AgentConfig config, long seq) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.dataDir().resolve(Outbox.FILE_NAME));
                PreparedStatement q = c.prepareStatement("SELECT count(*) FROM reading WHERE seq <= ?")) {
            q.setLong(1, seq);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * Issue 12, defect 6: a kiosk whose disk was replaced enrolls again (new token, new key, empty data directory) and
 * must not lose its new readings to the broker's duplicate check. The real agent and enrollment against the real
 * broker: enroll, send, wipe everything the kiosk had, enroll again, send: every reading of both lives stored with
 * its value, none kept aside as a conflict, none lost.
 */
class ReEnrollmentSystemTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A broker of its own: this class checks every reading the kiosk sends over MQTT being stored and acknowledged ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    @Test
    void aKioskEnrolledAgainWithAnEmptyDiskContinuesItsNumberingAndEveryReadingIsStoredWithItsValue()
            throws Exception {
        KioskId kiosk = KioskId.of("reenroll-kiosk-01");
        MeasurementStore store = BROKER.broker().store();

        // A status a second: the agent negotiates the PUBACK as its store acknowledgement (protocol/README.md), so the
        // store-acks this test reads its progress from come after its statuses only.
        AgentConfig first = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=100ms",
                "status.interval=1s");
        assertEquals(1, first.sequenceNext(), "a kiosk never heard of numbers from 1");
        SimulatedKiosk firstHardware = new SimulatedKiosk(37.43);
        try (Agent agent = Agent.start(first, firstHardware.sensors(), Clock.systemUTC())) {
            awaitStored("first life", agent, kiosk, 10);
            // The first life ends with everything it measured stored (the sensors go, the outbox drains), so that
            // no reading of it is still on its way when the second life starts.
            firstHardware.close();
            await("first life drained").atMost(WAIT).until(() -> agent.outboxStatus().queued() == 0);
        }
        long firstHighest = store.progress(kiosk).get().highest();

        wipe(kioskDir); // the disk is replaced: key, certificate, configuration, outbox, sequence file, all gone
        AgentConfig second = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=100ms",
                "status.interval=1s");
        assertEquals(firstHighest + 1, second.sequenceNext(), "numbering continues where the store left off");
        long secondFirst;
        long secondLast;
        try (SimulatedKiosk hardware = new SimulatedKiosk(38.41);
                Agent agent = Agent.start(second, hardware.sensors(), Clock.systemUTC())) {
            awaitStored("second life", agent, kiosk, firstHighest + 10);
            secondLast = agent.outboxStatus().storedThrough();
            secondFirst = firstHighest + 1;
        }

        List<Measurement> stored = store.measurements(kiosk, Instant.EPOCH, Instant.now().plusSeconds(60)).get();
        List<Measurement> secondLife = stored.stream().filter(m -> m.seq() >= secondFirst && m.seq() <= secondLast)
                .toList();
        assertEquals(secondLast - secondFirst + 1, secondLife.size(), "every reading of the second life is stored");
        assertTrue(secondLife.stream().allMatch(m -> m.value() == 38.41), "with its value: " + secondLife);
        assertTrue(stored.stream().filter(m -> m.seq() <= firstHighest).allMatch(m -> m.value() == 37.43),
                "the first life's readings keep theirs");
        // What the agent published just before it stopped may still be on its way into the store (a loaded run read
        // highest 91 and then 93 rows): every number once is what the store settles at, not what it held at once.
        await("every number once").atMost(WAIT).untilAsserted(() -> {
            KioskProgress progress = store.progress(kiosk).get();
            assertEquals(progress.highest(), progress.contiguous(), progress.toString());
            assertEquals(progress.highest(), store.count(kiosk).get(), "every number once");
        });
        assertEquals(0, store.conflictCount(kiosk).get(), "nothing came under a number already used");
    }

    /**
     * Waits until the agent knows its readings through {@code seq} stored; if they are not, fails with what the agent
     * and the broker knew (a clean-clone CI run once waited 30 s in vain for the first ten readings, and the bare
     * timeout said nothing about where they stopped).
     */
    private static void awaitStored(String alias, Agent agent, KioskId kiosk, long seq) {
        try {
            await(alias).atMost(WAIT).until(() -> agent.outboxStatus().storedThrough() >= seq);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String store;
            try {
                store = String.valueOf(BROKER.broker().store().progress(kiosk).get());
            } catch (Exception failed) {
                store = "unreadable: " + failed;
            }
            throw new AssertionError(alias + ": the readings through " + seq + " were not known stored within " + WAIT
                    + "; agent outbox " + agent.outboxStatus() + ", uplink " + agent.uplinkStatus() + "; broker store "
                    + store + ", intake accepted " + BROKER.broker().intake().acceptedCount() + ", refused "
                    + BROKER.broker().intake().rejectedCounts(), e);
        }
    }

    private static void wipe(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}

package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * The agent process SIGKILLed mid-stream and started again, eight times in the default build (twenty with
 * {@code -Dtelekiosk.agent-kills=20}, the long run; each kill costs an agent JVM start), then once more to drain: every sequence
 * number the kiosk used is in the broker's store exactly once (the store's (kiosk, seq) identity makes "at most once";
 * no gap below the highest number makes "at least once"). The moment of each kill is drawn from a seeded random
 * generator; the seed is printed, and {@code -Dtelekiosk.fault.seed=<seed>} repeats a run.
 */
class AgentKillSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    static final List<String> FAST_KIOSK = List.of(
            "sampling.interval=100ms",
            "sensor.max30102.batch=200ms",
            "sensor.ads1115.batch=200ms",
            "status.interval=1s",
            // The agent's default: a backlog drained faster than the broker's publish quota per kiosk (250/s)
            // meets PUBACK 0x97 and pauses for the retry delay, which makes the drain slower, not faster.
            "outbox.drain-rate=200");

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    /** Agent kills in a run: 8 in the default build (200 s of it with 20), {@code -Dtelekiosk.agent-kills=N} for more. */
    private static final int KILLS = Integer.getInteger("telekiosk.agent-kills", 8);

    @Test
    void everyReadingOfAnAgentKilledManyTimesMidStreamIsStoredExactlyOnce() throws Exception {
        long seed = Long.getLong("telekiosk.fault.seed", System.nanoTime());
        System.out.println("AgentKillSystemTest seed: " + seed + " (repeat with -Dtelekiosk.fault.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        KioskId kiosk = KioskId.of("kill-kiosk-01");
        KioskProvisioning.provision(BROKER, kiosk, kioskDir, FAST_KIOSK.toArray(String[]::new));
        MeasurementStore store = BROKER.broker().store();

        for (int kill = 1; kill <= KILLS; kill++) {
            long before = store.count(kiosk).get();
            int more = 5 + random.nextInt(40);
            AgentProcess agent = AgentProcess.start(kioskDir);
            String context = "kill " + kill + ", seed " + seed + ", log " + kioskDir.resolve("agent.log");
            await(context).atMost(PATIENCE).until(() -> store.count(kiosk).get() >= before + more);
            agent.kill();
        }

        long highestBeforeDrain = store.progress(kiosk).get().highest();
        try (AgentProcess agent = AgentProcess.start(kioskDir)) {
            await("drain, seed " + seed).atMost(PATIENCE).until(() -> {
                KioskProgress progress = store.progress(kiosk).get();
                return progress.highest() > highestBeforeDrain + 20 && progress.contiguous() == progress.highest();
            });
        }

        KioskProgress progress = store.progress(kiosk).get();
        String context = "seed " + seed + ", " + progress;
        assertEquals(progress.highest(), progress.contiguous(), context);
        assertEquals(progress.highest(), store.count(kiosk).get(), "every number 1..highest once; " + context);
        assertEquals(List.of(), store.lostRanges(kiosk).get(), context);
        assertEquals(0, BROKER.broker().mqtt().droppedMessages(), context);
        assertTrue(Files.readString(kioskDir.resolve("agent.log")).contains("Outbox"), "the agent logged its outbox");
    }
}

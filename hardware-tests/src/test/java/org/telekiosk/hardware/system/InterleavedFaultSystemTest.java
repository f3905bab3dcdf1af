package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * Agent SIGKILLs and network cuts interleaved at random (a fixed seed, printed; {@code -Dtelekiosk.fault.seed=<seed>}
 * repeats a run), twelve faults in all, some overlapping (the agent killed during a cut): every sequence number of the
 * kiosk stored exactly once at the end. The broker's SIGKILL is not among them yet (see {@link BrokerKillSystemTest}).
 * Takes a few minutes: runs only with {@code -Dtelekiosk.long-faults=true}.
 */
class InterleavedFaultSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    @Test
    void agentKillsAndNetworkCutsInterleavedAtRandomLoseNoReadingAndStoreNoneTwice() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("telekiosk.long-faults"),
                "interleaved fault run not run: it takes minutes; -Dtelekiosk.long-faults=true");
        long seed = Long.getLong("telekiosk.fault.seed", System.nanoTime());
        System.out.println("InterleavedFaultSystemTest seed: " + seed + " (repeat with -Dtelekiosk.fault.seed=" + seed
                + ")");
        SplittableRandom random = new SplittableRandom(seed);
        KioskId kiosk = KioskId.of("interleaved-kiosk");
        MeasurementStore store = BROKER.broker().store();
        try (CuttableProxy proxy = new CuttableProxy(BROKER.broker().mqttPort())) {
            List<String> lines = new ArrayList<>(AgentKillSystemTest.FAST_KIOSK);
            lines.add("mqtt.keep-alive=5s");
            lines.add("mqtt.connect-timeout=5s");
            lines.add("mqtt.reconnect.max=2s");
            KioskProvisioning.provision(BROKER, kiosk, kioskDir, lines.toArray(String[]::new));
            Files.writeString(kioskDir.resolve("agent.properties"),
                    Files.readString(kioskDir.resolve("agent.properties")).replace(
                            "ssl://localhost:" + BROKER.broker().mqttPort(), "ssl://localhost:" + proxy.port()));

            AgentProcess agent = AgentProcess.start(kioskDir);
            try {
                for (int fault = 1; fault <= 12; fault++) {
                    String context = "fault " + fault + ", seed " + seed;
                    long before = store.count(kiosk).get();
                    await(context).atMost(PATIENCE).until(() -> store.count(kiosk).get() > before + 5);
                    if (random.nextBoolean()) {
                        agent.kill();
                        agent = AgentProcess.start(kioskDir);
                    } else {
                        proxy.cut();
                        pause(2 + random.nextInt(12));
                        if (random.nextInt(3) == 0) {
                            agent.kill(); // killed during the cut
                            agent = AgentProcess.start(kioskDir);
                            pause(1 + random.nextInt(4));
                        }
                        proxy.restore();
                    }
                }
                long highestBefore = store.progress(kiosk).get().highest();
                await("drain, seed " + seed).atMost(PATIENCE).until(() -> {
                    KioskProgress progress = store.progress(kiosk).get();
                    return progress.highest() > highestBefore + 50 && progress.contiguous() == progress.highest();
                });
            } finally {
                agent.close();
            }
            KioskProgress progress = store.progress(kiosk).get();
            String context = "seed " + seed + ", " + progress;
            assertEquals(progress.highest(), store.count(kiosk).get(), context);
            assertEquals(List.of(), store.lostRanges(kiosk).get(), context);
            assertEquals(0, BROKER.broker().mqtt().droppedMessages(), context);
        }
    }

    /** A fixed wait that is not Thread.sleep: a latch nobody counts down. */
    private static void pause(long seconds) throws InterruptedException {
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
    }
}

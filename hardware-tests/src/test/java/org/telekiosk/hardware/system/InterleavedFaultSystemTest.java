package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.KioskId;

/**
 * All three faults interleaved at random (a fixed seed, printed; {@code -Dtelekiosk.fault.seed=<seed>} repeats a run):
 * agent SIGKILLs, network cuts (some with the agent killed during the cut) and broker SIGKILLs (the broker process with
 * its embedded HiveMQ and its store), fifteen faults in all; every sequence number of the kiosk stored exactly once at
 * the end. Takes a few minutes: runs only with {@code -Dtelekiosk.long-faults=true}.
 */
class InterleavedFaultSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void agentKillsNetworkCutsAndBrokerKillsInterleavedAtRandomLoseNoReadingAndStoreNoneTwice() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("telekiosk.long-faults"),
                "interleaved fault run not run: it takes minutes; -Dtelekiosk.long-faults=true");
        long seed = Long.getLong("telekiosk.fault.seed", System.nanoTime());
        System.out.println("InterleavedFaultSystemTest seed: " + seed + " (repeat with -Dtelekiosk.fault.seed=" + seed
                + ")");
        SplittableRandom random = new SplittableRandom(seed);
        KioskId kiosk = KioskId.of("interleaved-kiosk");
        BrokerProcess broker = new BrokerProcess(dir.resolve("broker"));
        Path kioskDir = Files.createDirectories(dir.resolve("kiosk"));
        broker.start();
        AgentProcess agent = null;
        int[] counts = new int[3];
        try (CuttableProxy proxy = new CuttableProxy(broker.mqttPort())) {
            BrokerKillSystemTest.provision(kioskDir, kiosk, broker, "mqtt.keep-alive=5s", "mqtt.connect-timeout=5s",
                    "mqtt.reconnect.max=2s");
            Path config = kioskDir.resolve("agent.properties");
            Files.writeString(config, Files.readString(config).replace(
                    "ssl://localhost:" + broker.mqttPort(), "ssl://localhost:" + proxy.port()));
            agent = AgentProcess.start(kioskDir);
            for (int fault = 1; fault <= 15; fault++) {
                String context = "fault " + fault + ", seed " + seed + ", logs in " + dir;
                long before = broker.stored(kiosk)[0];
                await(context).atMost(PATIENCE).until(() -> broker.stored(kiosk)[0] > before + 5);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        counts[0]++;
                        agent.kill();
                        agent = AgentProcess.start(kioskDir);
                    }
                    case 1 -> {
                        counts[1]++;
                        proxy.cut();
                        pause(2 + random.nextInt(12));
                        if (random.nextInt(3) == 0) {
                            agent.kill(); // killed during the cut
                            agent = AgentProcess.start(kioskDir);
                            pause(1 + random.nextInt(4));
                        }
                        proxy.restore();
                    }
                    default -> {
                        counts[2]++;
                        broker.kill();
                        broker.start();
                    }
                }
            }
            long highestBefore = broker.stored(kiosk)[1];
            try {
                await("drain, seed " + seed).atMost(PATIENCE).until(() -> {
                    long[] stored = broker.stored(kiosk);
                    return stored[1] > highestBefore + 50 && stored[0] == stored[1];
                });
            } catch (ConditionTimeoutException e) {
                long[] stored = broker.stored(kiosk);
                throw new AssertionError("after the faults: " + stored[0] + " stored, highest " + stored[1]
                        + ", missing " + broker.gaps(kiosk) + "; seed " + seed + ", logs in " + dir, e);
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
            broker.stop();
        }
        System.out.println("InterleavedFaultSystemTest: " + counts[0] + " agent kills, " + counts[1]
                + " network cuts, " + counts[2] + " broker kills; seed " + seed);
        long[] stored = broker.stored(kiosk);
        assertEquals(stored[1], stored[0], "every number 1.." + stored[1] + " stored once; seed " + seed);
    }

    /** Holds a fault for its planned duration (the fault itself, not synchronisation: every check after it waits with Awaitility). */
    private static void pause(long seconds) throws InterruptedException {
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
    }
}

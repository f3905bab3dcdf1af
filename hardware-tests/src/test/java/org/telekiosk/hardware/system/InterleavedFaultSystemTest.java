package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * its embedded HiveMQ and its store); every sequence number of the kiosk stored exactly once at the end.
 * <ul>
 *   <li>The short run, in the default build: two faults of each kind in a random order, cuts of 2-5 s, the kiosk's
 *       keep-alive 2 s so that a cut is noticed soon (about a minute in all).</li>
 *   <li>The long run, only with {@code -Dtelekiosk.long-faults=true} (a few minutes): fifteen faults of random kinds,
 *       cuts of 2-13 s, keep-alive 5 s.</li>
 * </ul>
 */
class InterleavedFaultSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private enum Fault { AGENT_KILL, NETWORK_CUT, BROKER_KILL }

    /**
     * The faults of a run, their order, the cut lengths' range ({@code cutSeconds} plus up to {@code cutSpread} - 1),
     * and the kiosk's keep-alive and connect timeout (a connect attempt during a cut hangs until that timeout, so after
     * the restore the kiosk waits out the rest of it).
     */
    private record Plan(List<Fault> faults, int cutSeconds, int cutSpread, String keepAlive, String connectTimeout) {}

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void twoAgentKillsTwoNetworkCutsAndTwoBrokerKillsInRandomOrderLoseNoReadingAndStoreNoneTwice() throws Exception {
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            faults.add(fault);
            faults.add(fault);
        }
        for (int i = faults.size() - 1; i > 0; i--) { // Fisher-Yates with the seeded generator
            Collections.swap(faults, i, random.nextInt(i + 1));
        }
        run(seed, random, new Plan(faults, 2, 4, "2s", "2s"));
    }

    @Test
    void fifteenFaultsOfRandomKindsLoseNoReadingAndStoreNoneTwice() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("telekiosk.long-faults"),
                "long interleaved fault run not run: it takes minutes; -Dtelekiosk.long-faults=true");
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>();
        for (int fault = 1; fault <= 15; fault++) {
            faults.add(Fault.values()[random.nextInt(3)]);
        }
        run(seed, random, new Plan(faults, 2, 12, "5s", "5s"));
    }

    private static long seed() {
        long seed = Long.getLong("telekiosk.fault.seed", System.nanoTime());
        System.out.println("InterleavedFaultSystemTest seed: " + seed + " (repeat with -Dtelekiosk.fault.seed=" + seed
                + ")");
        return seed;
    }

    private void run(long seed, SplittableRandom random, Plan plan) throws Exception {
        KioskId kiosk = KioskId.of("interleaved-kiosk");
        BrokerProcess broker = new BrokerProcess(dir.resolve("broker"));
        Path kioskDir = Files.createDirectories(dir.resolve("kiosk"));
        broker.start();
        AgentProcess agent = null;
        int[] counts = new int[3];
        try (CuttableProxy proxy = new CuttableProxy(broker.mqttPort())) {
            BrokerKillSystemTest.provision(kioskDir, kiosk, broker, "mqtt.keep-alive=" + plan.keepAlive(),
                    "mqtt.connect-timeout=" + plan.connectTimeout(), "mqtt.reconnect.max=2s");
            Path config = kioskDir.resolve("agent.properties");
            Files.writeString(config, Files.readString(config).replace(
                    "ssl://localhost:" + broker.mqttPort(), "ssl://localhost:" + proxy.port()));
            agent = AgentProcess.start(kioskDir);
            int number = 0;
            for (Fault fault : plan.faults()) {
                String context = "fault " + ++number + " (" + fault + "), seed " + seed + ", logs in " + dir;
                long before = broker.stored(kiosk)[0];
                await(context).atMost(PATIENCE).until(() -> broker.stored(kiosk)[0] > before + 5);
                counts[fault.ordinal()]++;
                switch (fault) {
                    case AGENT_KILL -> {
                        agent.kill();
                        agent = AgentProcess.start(kioskDir);
                    }
                    case NETWORK_CUT -> {
                        proxy.cut();
                        pause(plan.cutSeconds() + random.nextInt(plan.cutSpread()));
                        if (random.nextInt(3) == 0) {
                            agent.kill(); // killed during the cut
                            agent = AgentProcess.start(kioskDir);
                            pause(1 + random.nextInt(4));
                        }
                        proxy.restore();
                    }
                    case BROKER_KILL -> {
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
            // The agent goes on measuring after the drain: stop it, then let what it sent reach the store before the
            // broker stops. Two intake connections store out of order, so a stop right after the agent's can leave
            // numbers below the highest unstored (still in HiveMQ's queue and the agent's outbox, not lost: the
            // clean-clone CI of 2026-12-05 14:09 saw 2,230 stored, highest 2,266, asserted after the stop).
            agent.close();
            agent = null;
            try {
                await("the last readings stored, seed " + seed).atMost(PATIENCE).until(() -> {
                    long[] stored = broker.stored(kiosk);
                    return stored[0] == stored[1];
                });
            } catch (ConditionTimeoutException e) {
                long[] stored = broker.stored(kiosk);
                throw new AssertionError("after the agent stopped: " + stored[0] + " stored, highest " + stored[1]
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
        assertEquals(stored[1], stored[0], "every number 1.." + stored[1] + " stored once after the broker stopped; "
                + "missing " + broker.gaps(kiosk) + "; seed " + seed);
    }

    /** Holds a fault for its planned duration (the fault itself, not synchronisation: every check after it waits with Awaitility). */
    private static void pause(long seconds) throws InterruptedException {
        new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
    }
}

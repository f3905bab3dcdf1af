package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.protocol.KioskId;

/**
 * The broker process, with its embedded HiveMQ and its store, SIGKILLed mid-stream and started again three times (five
 * with {@code -Dtelekiosk.broker-kills=5}, the long run; each kill costs a broker JVM start) while
 * an agent process keeps measuring; then every sequence number of the kiosk must be in the store exactly once. What a
 * kill can lose on the broker's side: a reading HiveMQ acknowledged to the kiosk but had not handed to the store (HiveMQ
 * CE 2025.5 loses some of those on SIGKILL although its file persistence should keep them: seed 1788484966369 lost 95
 * of 5,381 readings in 7 ranges before the store acknowledgement), and one the store had not committed (never
 * acknowledged to HiveMQ, so delivered again). The kiosk deletes a reading only when the broker's store acknowledgement
 * ({@code StoreAck}) covers it, so it still holds what HiveMQ lost and sends it again after the reconnect. The kill
 * moments come from a seeded generator ({@code -Dtelekiosk.fault.seed}).
 */
class BrokerKillSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /**
     * For the drain after the last kill: the kiosk sends again everything it holds above the first gap, which after
     * five kills can be 16,000 readings; at load 60 (a loop beside six builds) that took longer than two minutes
     * while nothing was lost (the agent still held every missing reading).
     */
    private static final Duration DRAIN = Duration.ofSeconds(360);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** Broker kills in a run: 3 in the default build, {@code -Dtelekiosk.broker-kills=N} for more. */
    private static final int KILLS = Integer.getInteger("telekiosk.broker-kills", 3);

    @Test
    void everyReadingIsStoredExactlyOnceAcrossBrokerKills() throws Exception {
        long seed = Long.getLong("telekiosk.fault.seed", System.nanoTime());
        System.out.println("BrokerKillSystemTest seed: " + seed + " (repeat with -Dtelekiosk.fault.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        KioskId kiosk = KioskId.of("broker-kill-kiosk");
        BrokerProcess broker = new BrokerProcess(dir.resolve("broker"));
        Path kioskDir = Files.createDirectories(dir.resolve("kiosk"));
        broker.start();
        AgentProcess agent = null;
        try {
            provision(kioskDir, kiosk, broker);
            agent = AgentProcess.start(kioskDir);

            for (int kill = 1; kill <= KILLS; kill++) {
                long before = broker.stored(kiosk)[0];
                int more = 20 + random.nextInt(100);
                String context = "kill " + kill + ", seed " + seed + ", logs in " + dir;
                await(context).atMost(PATIENCE).until(() -> broker.stored(kiosk)[0] >= before + more);
                broker.kill();
                broker.start();
            }

            long highestBefore = broker.stored(kiosk)[1];
            try {
                await("drain, seed " + seed).atMost(DRAIN).until(() -> {
                    long[] stored = broker.stored(kiosk);
                    return stored[1] > highestBefore + 50 && stored[0] == stored[1];
                });
            } catch (ConditionTimeoutException e) {
                long[] stored = broker.stored(kiosk);
                throw new AssertionError("after the kills: " + stored[0] + " stored, highest " + stored[1]
                        + " (was " + highestBefore + " after the last kill), missing " + broker.gaps(kiosk)
                        + "; seed " + seed + ", logs in " + dir, e);
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
            broker.stop();
        }
        long[] stored = broker.stored(kiosk);
        assertEquals(stored[1], stored[0], "every number 1.." + stored[1] + " stored once; seed " + seed);
    }

    /** Enrolls the kiosk with a token from the broker's command line, as a technician does. */
    static void provision(Path kioskDir, KioskId kiosk, BrokerProcess broker, String... extraLines) throws Exception {
        String token = broker.enrollmentToken(kiosk);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(broker.httpsUrl(), token, kioskDir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>(List.of(
                "mqtt.reconnect.min=100ms",
                "mqtt.reconnect.max=1s",
                "data.dir=agent-data"));
        lines.addAll(AgentKillSystemTest.FAST_KIOSK);
        lines.addAll(List.of(extraLines));
        Files.writeString(kioskDir.resolve("agent.properties"), String.join("\n", lines) + "\n",
                StandardOpenOption.APPEND);
    }
}

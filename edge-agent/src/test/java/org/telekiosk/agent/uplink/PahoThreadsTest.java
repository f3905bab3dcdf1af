package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Paho's bounded pool lets idle threads go (issue 18: five idle threads held about half a MiB for the agent's life). */
class PahoThreadsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void threadsThatHaveBeenIdleEndAndLaterTasksStillRun() throws Exception {
        PahoThreads pool = new PahoThreads("test-paho", Duration.ofMillis(20));
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(PahoThreads.SIZE);
            List<Future<?>> busy = new ArrayList<>();
            for (int i = 0; i < PahoThreads.SIZE; i++) {
                busy.add(pool.submit(() -> {
                    running.countDown();
                    release.await();
                    return null;
                }));
            }
            assertTrue(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "all eight ran at once");
            assertEquals(PahoThreads.SIZE, pool.getPoolSize());
            release.countDown();
            for (Future<?> task : busy) {
                task.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }

            await().atMost(PATIENCE).until(() -> pool.getPoolSize() == 0);

            assertEquals("ran", pool.submit(() -> "ran").get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            ScheduledFuture<String> later = pool.schedule(() -> Thread.currentThread().getName(), 50,
                    TimeUnit.MILLISECONDS);
            assertTrue(later.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).startsWith("test-paho-"),
                    "a scheduled task runs on a thread of the pool");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScheduledTaskKeepsAThreadWaitingForIt() throws Exception {
        PahoThreads pool = new PahoThreads("test-paho", Duration.ofMillis(1));
        try {
            CountDownLatch ticks = new CountDownLatch(5);
            ScheduledFuture<?> ping = pool.scheduleWithFixedDelay(ticks::countDown, 0, 20, TimeUnit.MILLISECONDS);
            assertTrue(ticks.await(PATIENCE.toSeconds(), TimeUnit.SECONDS),
                    "a repeated task (Paho's ping) keeps running although idle threads end after a millisecond");
            assertTrue(pool.getPoolSize() <= PahoThreads.SIZE, "threads: " + pool.getPoolSize());
            ping.cancel(false);
        } finally {
            pool.shutdownNow();
        }
    }
}

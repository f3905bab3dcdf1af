package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One chain of reconnect attempts at a time ({@link Reconnects}): a connection reported gone twice (by Paho and by the
 * client's own acknowledgement line or stall watch) is made again once, so no attempt ever meets a client that is
 * connected already ("Client is connected" over and over, issue 16). The attempts run on a scheduler the test steps.
 */
class ReconnectsTest {
    /** What the scheduler holds: each attempt with its delay; the test runs them. */
    final ArrayDeque<Runnable> scheduled = new ArrayDeque<>();
    final List<Duration> delays = new ArrayList<>();
    int attempts;
    final Reconnects reconnects = new Reconnects(Reconnects.policy(new SplittableRandom(3)), (delay, task) -> {
        delays.add(delay);
        scheduled.add(task);
    }, () -> attempts++);

    @Test
    void aLossReportedTwiceWhileTheFirstReconnectIsUnderWayMakesOneAttempt() {
        assertTrue(reconnects.lost("disconnected"));
        assertFalse(reconnects.lost("an acknowledgement failed: the connection was going"));

        assertEquals(1, scheduled.size(), "one attempt scheduled");
        scheduled.poll().run();
        assertEquals(1, attempts);
        reconnects.connected();
        assertTrue(scheduled.isEmpty(), "nothing more once connected");
        assertFalse(reconnects.underWay());
    }

    @Test
    void aLossDuringTheAttemptIsTheSameLossAndTheAttemptsFailureSchedulesTheNext() {
        reconnects.lost("disconnected");
        scheduled.poll().run();
        assertFalse(reconnects.lost("the stall watch restarts the connection being made"));
        reconnects.failed("connect failed: Connection lost");

        assertEquals(1, scheduled.size(), "the chain's next attempt only");
        scheduled.poll().run();
        reconnects.connected();
        assertEquals(2, attempts);
        assertTrue(scheduled.isEmpty());
    }

    @Test
    void aLossAfterTheChainConnectedStartsANewChain() {
        reconnects.first();
        assertFalse(reconnects.lost("disconnected before the first connect reported"), "the start is a chain");
        reconnects.connected();

        assertTrue(reconnects.lost("disconnected"));
        assertEquals(1, scheduled.size());
    }

    @Test
    void failuresInARowLengthenTheBackoffAndAUsableConnectionStartsItOver() {
        // the jitter at its top: each delay is the policy's ceiling
        java.util.random.RandomGenerator highest = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
        Reconnects ceilings = new Reconnects(Reconnects.policy(highest), (delay, task) -> {
            delays.add(delay);
            scheduled.add(task);
        }, () -> attempts++);
        ceilings.lost("disconnected");
        for (int i = 0; i < 3; i++) {
            scheduled.poll().run();
            ceilings.failed("connect failed");
        }
        scheduled.poll().run();
        ceilings.connected();
        ceilings.usable();
        ceilings.lost("disconnected");

        assertEquals(List.of(250L, 500L, 1_000L, 2_000L, 250L), delays.stream().map(Duration::toMillis).toList());
    }

    @Test
    void nothingIsScheduledOnceStoppedAndAnAttemptScheduledBeforeDoesNotRun() {
        reconnects.lost("disconnected");
        reconnects.stop();
        scheduled.poll().run();

        assertEquals(0, attempts, "the attempt scheduled before the stop does not connect");
        assertFalse(reconnects.underWay());
        assertFalse(reconnects.lost("disconnected"));
        reconnects.failed("connect failed");
        assertTrue(scheduled.isEmpty());
    }
}

package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Argon2id work leaves the API's virtual threads: a computing virtual thread is not preempted, so two hashes on the
 * carriers of a 2-core machine starved every other request (the login storm benchmark).
 */
class HashingLimitTest {
    @Test
    void theHashRunsOnAPlatformThreadWhileTheVirtualRequestThreadWaits() throws Exception {
        HashingLimit limit = new HashingLimit(2);
        try (var requests = Executors.newVirtualThreadPerTaskExecutor()) {
            var caller = requests.submit(() -> limit.run(() -> Thread.currentThread().isVirtual()));
            assertFalse(caller.get(), "the hash ran on a virtual thread");
        }
    }

    @Test
    void whatTheWorkThrowsReachesTheCallerUnchanged() {
        HashingLimit limit = new HashingLimit(1);
        EarlyAnswer refused = new EarlyAnswer(Problems.of(429, "throttled", "throttled"));
        assertSame(refused, assertThrows(EarlyAnswer.class, () -> limit.run(() -> {
            throw refused;
        })));
        assertEquals("done", limit.run(() -> "done"), "the permit was given back");
    }
}

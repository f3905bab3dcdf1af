package org.telekiosk.broker.api;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most so many Argon2id hashes at once (each takes 64 MiB): a request that waits 30 s for its turn is answered 503
 * with {@code Retry-After}.
 */
final class HashingLimit {
    private final Semaphore permits;

    HashingLimit(int maxConcurrent) {
        this.permits = new Semaphore(maxConcurrent, true);
    }

    /** Runs {@code work} (which hashes) once a permit is free. */
    <T> T run(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new EarlyAnswer(Problems.of(503, "too many logins at once; try again shortly", "busy")
                        .withHeader("Retry-After", "5"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EarlyAnswer(Problems.of(503, "the broker is stopping", "busy"));
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}

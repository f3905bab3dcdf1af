package org.telekiosk.broker.api;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most so many Argon2id hashes at once (each takes 64 MiB): a request that waits 30 s for its turn is answered 503
 * with {@code Retry-After}.
 *
 * <p>The hashing work runs on platform threads of its own, one per permit, while the request's thread waits. The API's
 * requests run on virtual threads, and a virtual thread that computes is not preempted: two hashes back to back held
 * both carrier threads of a 2-core machine, so every other request's virtual thread (a {@code GET /api/v1/me} during
 * a login storm) waited for a carrier for seconds (docs/benchmarks.md, "login storm"). Platform threads are scheduled
 * by the operating system, which shares the cores with the carriers.
 */
final class HashingLimit {
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Semaphore permits;
    private final ExecutorService hashers;
    private final Duration maxWait;

    HashingLimit(int maxConcurrent) {
        this(maxConcurrent, MAX_WAIT);
    }

    /** With {@code maxWait} for a permit instead of 30 s (tests: zero, so a wait shows as an immediate 503). */
    HashingLimit(int maxConcurrent, Duration maxWait) {
        this.maxWait = java.util.Objects.requireNonNull(maxWait, "maxWait");
        this.permits = new Semaphore(maxConcurrent, true);
        this.hashers = Executors.newFixedThreadPool(maxConcurrent,
                Thread.ofPlatform().daemon().name("argon2id-", 0).factory());
    }

    /** Runs {@code work} (which hashes) on a hashing thread once a permit is free; the caller waits for it. */
    <T> T run(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new EarlyAnswer(Problems.of(503, "too many logins at once; try again shortly", "busy")
                        .withHeader("Retry-After", "5"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
        try {
            Future<T> hashed = hashers.submit(work::get);
            try {
                return hashed.get();
            } catch (InterruptedException e) {
                hashed.cancel(true);
                Thread.currentThread().interrupt();
                throw stopping();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            }
        } finally {
            permits.release();
        }
    }

    private static EarlyAnswer stopping() {
        return new EarlyAnswer(Problems.of(503, "the broker is stopping", "busy"));
    }
}

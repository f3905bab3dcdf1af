package org.telekiosk.broker.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic purge of the account and consultation data, on its own thread ({@code access-purge}): expired and
 * idle sessions, expired join codes, seats past their grace period, consultations past their access window (ended),
 * ended consultations past {@code consultation.retention}, audit entries past {@code audit.retention}. A failing
 * round (the database away) is logged in one line and the next round tries again.
 */
final class AccessPurge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPurge.class);

    private final AccessServices services;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("access-purge").daemon().factory());

    private AccessPurge(AccessServices services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    /** Runs {@link #runOnce()} every {@code interval}, the first time after one interval. */
    static AccessPurge every(Duration interval, AccessServices services, Clock clock) {
        AccessPurge purge = new AccessPurge(services, clock);
        purge.scheduler.scheduleWithFixedDelay(purge::runSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return purge;
    }

    /** One purge round, in an order that lets each step see the previous one's work. */
    void runOnce() {
        Instant now = clock.instant();
        int sessions = services.sessions().purge();
        int codes = services.codes().purgeExpired();
        int seats = services.reconnects().releaseExpiredSeats();
        int ended = services.consultations().endExpired();
        int deleted = services.purge().consultations().deleteEndedBefore(
                now.minus(services.purge().consultationRetention()));
        int audit = services.audit().purgeBefore(now.minus(services.purge().auditRetention()));
        if (sessions + codes + seats + ended + deleted + audit > 0) {
            LOG.info("Purged {} sessions, {} join codes, {} seats; ended {} and deleted {} consultations; deleted {}"
                    + " audit entries", sessions, codes, seats, ended, deleted, audit);
        }
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("Purge round failed, the next one tries again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

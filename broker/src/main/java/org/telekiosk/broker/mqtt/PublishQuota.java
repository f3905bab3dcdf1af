package org.telekiosk.broker.mqtt;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.protocol.KioskId;

/**
 * Each kiosk's share of the MQTT broker: a token bucket per kiosk of {@code mqtt.kiosk-rate-per-second} publishes a
 * second with room for {@code mqtt.kiosk-burst}, taken before a publish enters HiveMQ's queues. A publish without a
 * token is answered PUBACK 0x97 "quota exceeded" (MQTT 5 §3.4.2.1) and never reaches the broker's subscriber: one
 * kiosk's flood cannot put itself in front of the other kiosks' readings, which HiveMQ, the intake, the store and the
 * viewer hub handle in arrival order. The kiosk keeps a refused reading in its outbox and sends it again later
 * (nothing is lost; docs/security.md, "Flood fairness").
 *
 * <p>Every refusal is counted per kiosk (the technician's fleet view, {@code /healthz}, the metrics); the first of a
 * minute per kiosk is logged at WARN and audited ({@link AuditAction#KIOSK_OVER_QUOTA}), the rest of that minute only
 * counted, so that a flood cannot flood the log or the audit log either. Thread-safe: HiveMQ calls it from its own
 * threads, never blocked here (the audit log's {@code record} queues). Time comes from the injected clock.
 *
 * <p><b>Kept per kiosk, and for how long.</b> A bucket refilled to full is equivalent to none (a kiosk without one
 * gets a full bucket), so {@link #prune} drops it, unless it counts refusals: those are shown per kiosk in the fleet
 * view since start, so a kiosk that went over its quota keeps its bucket until it is revoked ({@link #forget}). A
 * disconnect drops nothing: a kiosk that reconnects must not get a full bucket by reconnecting.
 */
public final class PublishQuota implements PerKioskState {
    private static final Logger LOG = LoggerFactory.getLogger(PublishQuota.class);

    private final double tokensPerMilli;
    private final double burst;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    /** One kiosk's bucket; guarded by itself. */
    private static final class Bucket {
        double tokens;
        long at;
        final LongAdder refused = new LongAdder();
        long reportedMinute = Long.MIN_VALUE;
        long refusedAtReport;
        /** Dropped from the map by {@link #prune}: a take that still holds it takes a fresh one. */
        boolean dropped;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /**
     * @param ratePerSecond publishes a kiosk may make per second, sustained
     * @param burst         publishes a kiosk may make at once after a quiet spell
     */
    public PublishQuota(int ratePerSecond, int burst, AuditLog audit, Clock clock) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a publish quota needs a rate and a burst of at least 1");
        }
        this.tokensPerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long a kiosk over its quota waits for its next token. */
    public java.time.Duration tokenInterval() {
        return java.time.Duration.ofNanos(Math.max(1, Math.round(1_000_000 / tokensPerMilli)));
    }

    /** Takes a token for one publish of {@code kiosk}: true if it may go on, false if it is over its quota. */
    public boolean take(KioskId kiosk) {
        long now = clock.millis();
        long total;
        long sinceReport = 0;
        boolean report;
        while (true) {
            // A look-up first: computeIfAbsent's function captures the time, an object a publish.
            Bucket bucket = buckets.get(kiosk.value());
            if (bucket == null) {
                bucket = buckets.computeIfAbsent(kiosk.value(), k -> new Bucket(burst, now));
            }
            synchronized (bucket) {
                if (bucket.dropped) {
                    // Pruned between the look-up and the lock: take the fresh one.
                    buckets.remove(kiosk.value(), bucket);
                    continue;
                }
                refill(bucket, now);
                if (bucket.tokens >= 1) {
                    bucket.tokens -= 1;
                    return true;
                }
                bucket.refused.increment();
                total = bucket.refused.sum();
                long minute = Math.floorDiv(now, 60_000);
                report = minute != bucket.reportedMinute;
                if (report) {
                    sinceReport = total - bucket.refusedAtReport;
                    bucket.reportedMinute = minute;
                    bucket.refusedAtReport = total;
                }
            }
            break;
        }
        refused.increment();
        if (report) {
            reportOver(kiosk, sinceReport, total);
        }
        return false;
    }

    private void refill(Bucket bucket, long now) {
        bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * tokensPerMilli);
        bucket.at = Math.max(bucket.at, now);
    }

    /**
     * Drops the buckets of kiosks {@code retired} names, and every bucket refilled to full that counts no refusal:
     * the kiosk's next publish starts from a full bucket, as it would from this one. Never blocks for long (each
     * bucket's lock once).
     */
    @Override
    public int prune(Predicate<KioskId> retired) {
        long now = clock.millis();
        int dropped = 0;
        for (var e : buckets.entrySet()) {
            Bucket bucket = e.getValue();
            boolean drop;
            synchronized (bucket) {
                // Read only: a take refills from the same instant, so a bucket kept is left exactly as it was.
                boolean full = bucket.tokens + Math.max(0, now - bucket.at) * tokensPerMilli >= burst;
                drop = retired.test(KioskId.of(e.getKey())) || full && bucket.refused.sum() == 0;
                bucket.dropped |= drop;
            }
            if (drop && buckets.remove(e.getKey(), bucket)) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Drops the bucket of the revoked {@code kiosk} with its count of refusals. */
    @Override
    public void forget(KioskId kiosk) {
        Bucket bucket = buckets.get(kiosk.value());
        if (bucket != null) {
            synchronized (bucket) {
                bucket.dropped = true;
            }
            buckets.remove(kiosk.value(), bucket);
        }
    }

    /** Kiosks with a bucket now. */
    @Override
    public int kioskCount() {
        return buckets.size();
    }

    private void reportOver(KioskId kiosk, long sinceLastReport, long total) {
        String detail = "over its publish quota (" + Math.round(tokensPerMilli * 1000) + "/s, burst "
                + Math.round(burst) + "): PUBACK 0x97; " + total + " refused since start";
        LOG.warn("Kiosk {} is {} ({} since the last report)", kiosk, detail, sinceLastReport);
        try {
            audit.record(new AuditEvent(Instant.ofEpochMilli(clock.millis()), AuditActor.kiosk(kiosk),
                    AuditAction.KIOSK_OVER_QUOTA, "kiosk:" + kiosk, detail));
        } catch (RuntimeException e) {
            LOG.error("Auditing kiosk {} over its quota failed", kiosk, e);
        }
    }

    /** Publishes of {@code kiosk} refused over its quota since start (or since it was last revoked). */
    public long refused(KioskId kiosk) {
        Bucket bucket = buckets.get(kiosk.value());
        return bucket == null ? 0 : bucket.refused.sum();
    }

    /** Publishes refused over quota since start, all kiosks. */
    public long refusedTotal() {
        return refused.sum();
    }
}

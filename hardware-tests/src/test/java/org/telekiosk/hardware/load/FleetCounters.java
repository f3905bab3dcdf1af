package org.telekiosk.hardware.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.protocol.KioskId;

/** A {@link KioskFleet}'s bookkeeping, summed over its kiosks: what the benchmark sets against the broker's. */
final class FleetCounters {
    final LongAdder published = new LongAdder();
    final LongAdder pubacked = new LongAdder();
    final LongAdder refusedByWindow = new LongAdder();
    final LongAdder pingResponses = new LongAdder();
    final LongAdder received = new LongAdder();
    /** Established connections (past their SUBACK) that ended; the kiosk connects again, as the agent does. */
    final LongAdder lost = new LongAdder();
    /** Connection attempts that failed before their SUBACK; the kiosk tries again after the agent's backoff. */
    final LongAdder attemptsFailed = new LongAdder();
    /** The {@code online} presences published after each CONNACK (their PUBACKs are in {@link #pubacked} too). */
    final LongAdder announced = new LongAdder();
    private final ConcurrentHashMap<KioskId, Long> storedThrough = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();

    void storedThrough(KioskId kiosk, long seq) {
        storedThrough.merge(kiosk, seq, Math::max);
    }

    /** The sum of the kiosks' {@code storedThrough}: fresh kiosks number from 1, so it counts the stored readings. */
    long storeAcknowledged() {
        return storedThrough.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Counts a failed attempt or a lost connection under {@code reason} (where it ended, and how). */
    void failed(String reason) {
        failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Failed attempts and lost connections by reason, since the fleet started. */
    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }
}

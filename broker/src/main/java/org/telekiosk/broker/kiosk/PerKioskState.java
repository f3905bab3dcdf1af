package org.telekiosk.broker.kiosk;

import java.util.function.Predicate;
import org.telekiosk.protocol.KioskId;

/**
 * Memory a part of the broker keeps per kiosk (a publish quota's bucket, an audit window, the latest status, ...),
 * which must not grow with every kiosk ever seen: kiosks are revoked, enrolled again and replaced over the years, and a
 * node runs for months. Each part drops an entry once it is <em>equivalent to none</em> (a bucket refilled to full, a
 * window whose span is over, a line idle past its wait) and forgets a revoked kiosk at once. The node's sweep calls
 * {@link #prune} on every part every minute with the registry's revocations and {@link #forget} when a kiosk is
 * revoked (docs/operations.md, "Memory per kiosk").
 */
public interface PerKioskState {
    /**
     * Drops what is kept of every kiosk that {@code retired} names (revoked), and every entry that is equivalent to
     * none by now. Any thread; never blocks ({@code retired} must not either).
     *
     * @return how many kiosks' entries were dropped
     */
    int prune(Predicate<KioskId> retired);

    /** Drops what is kept of {@code kiosk} (revoked). Idempotent; any thread; never blocks. */
    void forget(KioskId kiosk);

    /** Kiosks with an entry now. */
    int kioskCount();

    /** For a part that keeps one entry per kiosk in {@code map}: removes the retired kiosks' and says how many. */
    static int pruneRetired(java.util.Map<KioskId, ?> map, Predicate<KioskId> retired) {
        int before = map.size();
        map.keySet().removeIf(retired);
        return Math.max(0, before - map.size());
    }
}

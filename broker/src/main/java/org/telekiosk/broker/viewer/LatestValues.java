package org.telekiosk.broker.viewer;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * What the {@link ViewerHub}'s replays need, per kiosk: its latest status and its latest reading per sensor and LOINC
 * code, as the records that came (encoded only when replayed, which is rare). An older reading never replaces a newer
 * one. Thread-safe.
 */
final class LatestValues {
    /** One reading or status of a kiosk under its key ({@code sensor|loinc}, or {@code status}), and when taken. */
    record Latest(String key, Instant takenAt, long seq, KioskMessage message) {
        boolean status() {
            return message instanceof KioskStatus;
        }
    }

    /** A kiosk's latest readings and status by key; {@code heard} written under the outer map's lock. */
    private static final class KioskLatest {
        final Map<String, Latest> byKey = new ConcurrentHashMap<>(8);
        volatile long heard;
    }

    private final Map<KioskId, KioskLatest> latest = new ConcurrentHashMap<>();

    /** Keeps {@code message} under {@code key} unless one taken later is kept; {@code now} marks the kiosk heard. */
    void remember(KioskId kiosk, String key, Instant at, long seq, KioskMessage message, long now) {
        // Under the map's lock for this kiosk, so that a prune never drops a kiosk while its reading goes in.
        latest.compute(kiosk, (k, kept) -> {
            KioskLatest into = kept == null ? new KioskLatest() : kept;
            into.heard = now;
            into.byKey.merge(key, new Latest(key, at, seq, message),
                    (old, fresh) -> fresh.takenAt().isBefore(old.takenAt()) ? old : fresh);
            return into;
        });
    }

    /** The kiosk's status and its readings taken at or after {@code since}, oldest first. */
    List<Latest> since(KioskId kiosk, Instant since) {
        KioskLatest kept = latest.get(kiosk);
        if (kept == null) {
            return List.of();
        }
        return kept.byKey.values().stream()
                .filter(l -> l.status() || !l.takenAt().isBefore(since))
                .sorted(Comparator.comparing(Latest::takenAt))
                .toList();
    }

    /** Forgets each kiosk not heard for {@code keepNanos} before {@code now} or named by {@code revoked}. */
    int prune(long now, long keepNanos, Predicate<KioskId> revoked) {
        int forgotten = 0;
        for (KioskId kiosk : latest.keySet()) {
            boolean[] gone = {false};
            latest.computeIfPresent(kiosk, (k, kept) -> {
                gone[0] = now - kept.heard >= keepNanos || revoked.test(k);
                return gone[0] ? null : kept;
            });
            if (gone[0]) {
                forgotten++;
            }
        }
        return forgotten;
    }

    void forget(KioskId kiosk) {
        latest.remove(kiosk);
    }

    int kioskCount() {
        return latest.size();
    }
}

package org.telekiosk.broker.telemetry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The latest {@link KioskStatus} of every kiosk that sent one since this broker started: each sensor's state, the
 * readings queued and dropped on the kiosk, a fault found in its outbox at start. Read by {@code /healthz} (totals),
 * the technician's fleet view and the waiting room's readiness. Fed with every status that arrives; an older status
 * (redelivered after a reconnect) never replaces a newer one. Thread-safe, never blocks.
 *
 * <p>A status is kept while its kiosk is enrolled, connected or not: the fleet view shows an offline kiosk's last
 * report, so silence does not make it equivalent to none, and the enrolled kiosks bound the board. A revoked kiosk's
 * status is dropped ({@link #forget} at the revocation, {@link #prune} for one that arrived late).
 */
public final class KioskStatusBoard implements Consumer<KioskStatus>, PerKioskState {
    private final Map<KioskId, KioskStatus> latest = new ConcurrentHashMap<>();

    @Override
    public void accept(KioskStatus status) {
        latest.merge(status.kiosk(), status,
                (old, fresh) -> fresh.sentAt().isBefore(old.sentAt()) ? old : fresh);
    }

    /** What {@code kiosk} said last, or empty if it has not sent a status since the broker started. */
    public Optional<KioskStatus> latest(KioskId kiosk) {
        return Optional.ofNullable(latest.get(kiosk));
    }

    /** Kiosks that have sent a status since the broker started, and are not revoked since. */
    public int kiosks() {
        return latest.size();
    }

    /** Drops the statuses of the kiosks {@code retired} names. */
    @Override
    public int prune(Predicate<KioskId> retired) {
        return PerKioskState.pruneRetired(latest, retired);
    }

    @Override
    public void forget(KioskId kiosk) {
        latest.remove(kiosk);
    }

    @Override
    public int kioskCount() {
        return latest.size();
    }

    /** Readings queued on all kiosks, as they last said. */
    public long queued() {
        return latest.values().stream().mapToLong(KioskStatus::queued).sum();
    }

    /** Readings dropped on all kiosks over their outboxes' lifetimes, as they last said. */
    public long dropped() {
        return latest.values().stream().mapToLong(KioskStatus::dropped).sum();
    }

    /** Kiosks whose last status reported an outbox fault. */
    public long outboxFaults() {
        return latest.values().stream().filter(s -> !s.outboxFault().isEmpty()).count();
    }
}

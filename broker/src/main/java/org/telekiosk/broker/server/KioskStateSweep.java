package org.telekiosk.broker.server;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.protocol.KioskId;

/**
 * The node's one sweep over what its parts keep per kiosk in memory ({@link PerKioskState}: the viewer hub's latest
 * values and order, the statuses, the store acknowledgements' progress, the agents' reports, the MQTT broker's publish
 * quotas and audit windows). Every {@link #EVERY} each part drops what the registry's revocations retire and what is
 * equivalent to none by now; a revocation ({@link #forget}, from {@code Revocations}) forgets the kiosk in every part at
 * once, so that a kiosk enrolled again under its id starts afresh. Runs on its own thread, {@code kiosk-state-sweep};
 * a part that fails is logged and the others still run.
 */
final class KioskStateSweep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KioskStateSweep.class);
    /**
     * How often: often enough that a retired kiosk's state goes within a minute, rarely enough to cost nothing (one
     * pass over each part's map; 10,000 kiosks take a few milliseconds).
     */
    static final Duration EVERY = Duration.ofMinutes(1);

    private final Supplier<Predicate<KioskId>> retired;
    private final List<PerKioskState> parts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiosk-state-sweep").daemon().factory());

    /** @param retired a fresh test of "revoked" for each sweep; must not block */
    KioskStateSweep(Supplier<Predicate<KioskId>> retired) {
        this.retired = retired;
    }

    /** Over the registry's snapshot: the revoked kiosks, read once per sweep (a kiosk it does not know is kept). */
    static KioskStateSweep over(KioskRegistry registry) {
        return new KioskStateSweep(() -> {
            Set<String> revoked = registry.state().kiosks().stream().filter(KioskRecord::revoked)
                    .map(KioskRecord::id).collect(Collectors.toUnmodifiableSet());
            return kiosk -> revoked.contains(kiosk.value());
        });
    }

    KioskStateSweep add(PerKioskState part) {
        parts.add(part);
        return this;
    }

    KioskStateSweep addAll(List<PerKioskState> more) {
        parts.addAll(more);
        return this;
    }

    /** Sweeps every {@link #EVERY} from now on. */
    void start() {
        timer.scheduleWithFixedDelay(this::sweep, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One sweep now; returns how many kiosks' entries the parts dropped, together. */
    int sweep() {
        Predicate<KioskId> gone;
        try {
            gone = retired.get();
        } catch (RuntimeException e) {
            LOG.warn("Reading the revoked kiosks for the sweep failed: {}", e.toString());
            return 0;
        }
        int dropped = 0;
        for (PerKioskState part : parts) {
            try {
                dropped += part.prune(gone);
            } catch (RuntimeException e) {
                LOG.warn("Pruning the per-kiosk state of {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        return dropped;
    }

    /** Forgets {@code kiosk} (revoked) in every part. Never blocks. */
    void forget(KioskId kiosk) {
        for (PerKioskState part : parts) {
            try {
                part.forget(kiosk);
            } catch (RuntimeException e) {
                LOG.warn("Forgetting kiosk {} in {} failed: {}", kiosk, part.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Kiosks with an entry now, per part (by the part's class name). */
    java.util.Map<String, Integer> kioskCounts() {
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        parts.forEach(p -> counts.merge(p.getClass().getSimpleName(), p.kioskCount(), Integer::sum));
        return counts;
    }

    /** Each part's count of kiosks by the part's class name, read when asked (the metrics' gauges). */
    java.util.Map<String, java.util.function.IntSupplier> kioskCountSuppliers() {
        java.util.Map<String, java.util.function.IntSupplier> counts = new java.util.LinkedHashMap<>();
        parts.forEach(p -> counts.put(p.getClass().getSimpleName(), p::kioskCount));
        return counts;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package org.telekiosk.broker.telemetry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * What every kiosk last said about its outbox (readings queued and dropped, a fault found at its start), for
 * {@code /healthz}: a technician sees at a glance that some kiosk lost readings or found its outbox corrupt. Fed with
 * every {@link KioskStatus} that arrives; thread-safe.
 */
public final class KioskOutboxBoard implements Consumer<KioskStatus> {
    /** One kiosk's latest figures. */
    public record Entry(long queued, long dropped, String outboxFault) {}

    private final Map<KioskId, Entry> latest = new ConcurrentHashMap<>();

    @Override
    public void accept(KioskStatus status) {
        latest.put(status.kiosk(), new Entry(status.queued(), status.dropped(), status.outboxFault()));
    }

    /** Kiosks that have sent a status since the broker started. */
    public int kiosks() {
        return latest.size();
    }

    /** Readings queued on all kiosks, as they last said. */
    public long queued() {
        return latest.values().stream().mapToLong(Entry::queued).sum();
    }

    /** Readings dropped on all kiosks over their outboxes' lifetimes, as they last said. */
    public long dropped() {
        return latest.values().stream().mapToLong(Entry::dropped).sum();
    }

    /** Kiosks whose last status reported an outbox fault. */
    public long outboxFaults() {
        return latest.values().stream().filter(e -> !e.outboxFault().isEmpty()).count();
    }
}

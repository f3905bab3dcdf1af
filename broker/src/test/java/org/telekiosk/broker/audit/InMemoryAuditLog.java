package org.telekiosk.broker.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread-safe audit log in memory, lost on restart. For the services' tests; the broker uses
 * {@link SqlAuditLog}.
 */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void record(AuditEvent event) {
        events.add(event);
    }

    @Override
    public synchronized List<AuditEvent> since(Instant from) {
        return events.stream().filter(e -> !e.at().isBefore(from)).toList();
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff) {
        int before = events.size();
        events.removeIf(e -> e.at().isBefore(cutoff));
        return before - events.size();
    }

    /** Every event still held, oldest first. */
    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }
}

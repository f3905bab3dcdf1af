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
    private final List<Long> positions = new ArrayList<>();
    private long next = 1;

    @Override
    public synchronized void record(AuditEvent event) {
        events.add(event);
        positions.add(next++);
    }

    @Override
    public synchronized List<AuditEvent> since(Instant from) {
        return events.stream().filter(e -> !e.at().isBefore(from)).toList();
    }

    @Override
    public synchronized List<AuditEntry> page(AuditQuery query) {
        List<AuditEntry> page = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0 && page.size() < query.limit(); i--) {
            long position = positions.get(i);
            AuditEvent event = events.get(i);
            if ((query.before().isEmpty() || position < query.before().getAsLong())
                    && (query.consultation().isEmpty() || query.consultation().equals(event.consultation()))) {
                page.add(new AuditEntry(position, event));
            }
        }
        return List.copyOf(page);
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff) {
        int removed = 0;
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).at().isBefore(cutoff)) {
                events.remove(i);
                positions.remove(i);
                removed++;
            }
        }
        return removed;
    }

    /** Every event still held, oldest first. */
    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }
}

package org.telekiosk.broker.audit;

import java.util.Objects;

/** An audit event with its position in the log: a stable, increasing number, the cursor of {@link AuditPage}. */
public record AuditEntry(long position, AuditEvent event) {
    public AuditEntry {
        Objects.requireNonNull(event, "event");
    }
}

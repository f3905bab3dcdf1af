package org.telekiosk.broker.audit;

import java.time.Instant;
import java.util.List;

/**
 * The audit log port (DESIGN.md, "Security model"): who joined, admitted, ended, logged in, ... what, and when.
 * Metadata is purged after a configurable period, three months at most by default, as the German video-consultation
 * rules (KBV Anlage 31b BMV-Ä) require. The broker uses {@link SqlAuditLog} (table {@code audit_event});
 * {@code InMemoryAuditLog} (test sources) serves the services' tests.
 */
public interface AuditLog {
    /** Appends one event. Must not block for long: it is called inside service operations. */
    void record(AuditEvent event);

    /** The events at or after {@code from}, oldest first. */
    List<AuditEvent> since(Instant from);

    /** One page of the log, newest first (see {@link AuditQuery}); an admin reads it through the REST API. */
    java.util.List<AuditEntry> page(AuditQuery query);

    /** Deletes every event before {@code cutoff}; returns how many. */
    int purgeBefore(Instant cutoff);
}

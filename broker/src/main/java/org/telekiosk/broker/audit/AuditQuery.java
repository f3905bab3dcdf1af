package org.telekiosk.broker.audit;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One page of the audit log, newest first: at most {@code limit} entries with positions below {@code before} (all
 * when empty), of one consultation only when {@code consultation} is not empty.
 */
public record AuditQuery(int limit, OptionalLong before, String consultation) {
    /** The most entries one page may hold. */
    public static final int MAX_LIMIT = 500;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(consultation, "consultation");
    }
}

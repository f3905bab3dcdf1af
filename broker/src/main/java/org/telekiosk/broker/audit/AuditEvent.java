package org.telekiosk.broker.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the audit log: when (from the service's clock), who, what, and on what. {@code subject} names the
 * object ("consultation:…", "login:…", "participant:…"); {@code detail} is a short reason or empty. Callers never put
 * passwords, tokens or join codes in either field: the types they pass in do not even print them.
 */
public record AuditEvent(Instant at, AuditActor actor, AuditAction action, String subject, String detail) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
    }
}

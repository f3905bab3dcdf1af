package org.telekiosk.broker.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the audit log: when (from the service's clock), who, what, on what, and which consultation's data it
 * concerns. {@code subject} names the object ("consultation:…", "login:…", "participant:…"); {@code detail} is a
 * short reason or empty; {@code consultation} is the consultation's id, or empty when the entry concerns none.
 * Callers never put passwords, tokens or join codes in any field: the types they pass in do not even print them.
 */
public record AuditEvent(Instant at, AuditActor actor, AuditAction action, String subject, String detail,
        String consultation) {
    private static final String CONSULTATION = "consultation:";
    private static final String PATIENT = "patient:";

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(consultation, "consultation");
    }

    /**
     * An entry whose consultation follows from its subject ({@code consultation:<id>}) or, for a patient, from its
     * actor ({@code patient:<consultation id>}); empty otherwise.
     */
    public AuditEvent(Instant at, AuditActor actor, AuditAction action, String subject, String detail) {
        this(at, actor, action, subject, detail, subject.startsWith(CONSULTATION)
                ? subject.substring(CONSULTATION.length())
                : actor.value().startsWith(PATIENT) ? actor.value().substring(PATIENT.length()) : "");
    }
}

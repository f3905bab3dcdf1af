package org.telekiosk.broker.audit;

import java.util.Objects;

/**
 * Who did something: an account, a patient (known only by the consultation they joined, since patients have no
 * account), a kiosk, an unauthenticated client address, or the broker itself. Never carries a secret.
 */
public record AuditActor(String value) {
    public AuditActor {
        Objects.requireNonNull(value, "value");
    }

    public static AuditActor account(Object accountId) {
        return new AuditActor("account:" + accountId);
    }

    public static AuditActor patient(Object consultationId) {
        return new AuditActor("patient:" + consultationId);
    }

    public static AuditActor kiosk(Object kioskId) {
        return new AuditActor("kiosk:" + kioskId);
    }

    public static AuditActor client(Object address) {
        return new AuditActor("client:" + address);
    }

    public static AuditActor system() {
        return new AuditActor("system");
    }

    @Override
    public String toString() {
        return value;
    }
}

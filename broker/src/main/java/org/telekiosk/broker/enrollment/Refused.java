package org.telekiosk.broker.enrollment;

import org.telekiosk.broker.request.Refusal;

/**
 * An enrollment, a renewal or a kiosk certificate check refused, already audited: the broker's one refusal model,
 * a {@link Refusal.KioskCredential} (kind, title, detail; the transport picks the status). Never contains the token
 * or a key.
 */
public record Refused(Refusal.KioskCredential refusal) implements EnrollmentOutcome, KioskCertificateCheck {
    static Refused of(Refusal.Kind kind, String title, String detail) {
        return new Refused(new Refusal.KioskCredential(kind, title, detail));
    }

    static Refused badRequest(String detail) {
        return of(Refusal.Kind.INVALID, "Bad enrollment request", detail);
    }
}

package org.telekiosk.broker.enrollment;

/**
 * Why an enrollment or renewal was refused, shaped as an HTTP problem (RFC 9457): the status, a short title, and a
 * detail that tells the person at the kiosk what to do. Never contains the token or a key.
 */
public record Refused(int status, String title, String detail) implements EnrollmentOutcome,
        KioskCertificateCheck {
    static Refused badRequest(String detail) {
        return new Refused(400, "Bad enrollment request", detail);
    }
}

package org.telekiosk.broker.enrollment;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.TokenRecord;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentToken;

/**
 * Makes one-time enrollment tokens: 256 random bits, bound to a kiosk id and label, expiring after
 * {@code lifetime}, carrying the CA pin; stored only as SHA-256. Needs no CA key, so the command line makes tokens
 * without the key store password. Blocking (the registry's database).
 */
public final class EnrollmentTokens {
    private final KioskRegistry registry;
    private final byte[] caPin;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration lifetime;

    public EnrollmentTokens(KioskRegistry registry, byte[] caPin, AuditLog audit, Clock clock, SecureRandom random,
            Duration lifetime) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.caPin = caPin.clone();
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /**
     * A new token for {@code kiosk}, labelled {@code label}, created by {@code by}. Earlier unused tokens of the
     * kiosk stay valid until used or expired. The returned token's line is shown once.
     *
     * @throws IllegalArgumentException for a label that is empty, longer than 100 characters or has control
     *                                  characters
     */
    public EnrollmentToken create(KioskId kiosk, String label, AuditActor by) {
        String cleanLabel = validLabel(label);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        EnrollmentToken token = EnrollmentToken.of(kiosk, secret, caPin);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        registry.change(now, change -> change.addToken(new TokenRecord(EnrollmentService.hash(secret),
                kiosk.value(), cleanLabel, by.value(), now, expires, null)));
        audit.record(new AuditEvent(now, by, AuditAction.ENROLLMENT_TOKEN_CREATED, "kiosk:" + kiosk,
                "label '" + cleanLabel + "', valid until " + expires));
        return token;
    }

    private static String validLabel(String label) {
        String clean = label == null ? "" : label.strip();
        if (clean.isEmpty() || clean.length() > 100 || clean.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the label must be 1-100 printable characters, e.g. 'Lab room 3'");
        }
        return clean;
    }
}

package org.telekiosk.broker.enrollment;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.x500.X500Principal;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.CurrentCertificate;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.RegistryChange;
import org.telekiosk.broker.kiosk.RevokedSerial;
import org.telekiosk.broker.kiosk.TokenRecord;
import org.telekiosk.broker.pki.IssuingCa;
import org.telekiosk.broker.pki.Pem;
import org.telekiosk.broker.request.Refusal.Kind;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import org.telekiosk.protocol.enrollment.RenewalRequest;

/**
 * Enrollment, renewal and revocation of kiosks, without transport. Tokens are single use, expire after
 * {@link EnrollmentSettings#tokenLifetime()}, are bound to a kiosk id and label, and carry the pin of the CA that
 * vouches for the broker's HTTPS endpoint. Every refusal is answered with a {@link Refused} that tells the person at
 * the kiosk what to do, and recorded in the audit log; so is every success. Validity comes from the injected clock.
 *
 * <p>Blocking (the registry's database, signing): call from a worker thread, never from an event loop.
 */
public final class EnrollmentService {
    private static final String TOKEN_ACTOR_PREFIX = "token:";

    private final KioskRegistry registry;
    private final IssuingCa ca;
    private final byte[] caPin;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final EnrollmentSettings settings;
    private final Runnable afterRevocation;
    private final EnrollmentTokens tokens;
    private final CurrentCertificate current;
    private volatile java.util.function.ToLongFunction<KioskId> nextSeq = kiosk -> 1;

    /**
     * @param caPin           SHA-256 of the SubjectPublicKeyInfo of the CA at the top of the HTTPS chain
     * @param afterRevocation called after a kiosk was revoked or a certificate superseded (publish the CRL, drop
     *                        connections)
     */
    public EnrollmentService(KioskRegistry registry, IssuingCa ca, byte[] caPin, AuditLog audit, Clock clock,
            SecureRandom random, EnrollmentSettings settings, Runnable afterRevocation) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.caPin = caPin.clone();
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.afterRevocation = Objects.requireNonNull(afterRevocation, "afterRevocation");
        this.tokens = new EnrollmentTokens(registry, caPin, audit, clock, random, settings.tokenLifetime());
        this.current = new CurrentCertificate(ca.certificate());
    }

    /** Makes a one-time token for {@code kiosk}; see {@link EnrollmentTokens#create}. */
    public EnrollmentToken createToken(KioskId kiosk, String label, AuditActor by) {
        return tokens.create(kiosk, label, by);
    }

    /** Redeems the token in {@code request} for a certificate of the CSR's key. */
    public EnrollmentOutcome enroll(EnrollmentRequest request, AuditActor client) {
        Instant now = clock.instant();
        EnrollmentToken token;
        try {
            token = EnrollmentToken.parse(request.token());
        } catch (IllegalArgumentException e) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, "token:malformed", "malformed token",
                    Refused.badRequest(e.getMessage()));
        }
        String subject = "kiosk:" + token.kiosk();
        if (!MessageDigest.isEqual(token.caPin(), caPin)) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, "token pins another CA",
                    Refused.of(Kind.INVALID, "Token for another broker", "this token pins another CA than this broker's: "
                            + "it was made by another broker, or altered; ask the technician for a token of this one"));
        }
        String hash = hash(token.secret());
        TokenRecord record = registry.token(hash).orElse(null);
        if (record == null || !record.kiosk().equals(token.kiosk().value())) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, "unknown token",
                    Refused.of(Kind.NOT_AUTHENTICATED, "Unknown enrollment token", "this broker never issued this token (or it was "
                            + "purged after expiry): ask the technician for a new one"));
        }
        if (record.usedAt() != null) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, "token already used",
                    Refused.of(Kind.CONFLICT, "Enrollment token already used", "this token was used at " + record.usedAt()
                            + "; each token enrolls once: ask the technician for a new one"));
        }
        if (!now.isBefore(record.expiresAt())) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, "token expired",
                    Refused.of(Kind.GONE, "Enrollment token expired", "this token expired at " + record.expiresAt()
                            + ": ask the technician for a new one"));
        }
        CsrCheck.Accepted csr;
        try {
            csr = CsrCheck.check(request.csr(), token.kiosk());
        } catch (RefusedException e) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, e.refused().refusal().detail(), e.refused());
        }
        AtomicReference<Refused> raced = new AtomicReference<>();
        AtomicReference<X509Certificate> issued = new AtomicReference<>();
        AtomicReference<Boolean> superseded = new AtomicReference<>(false);
        registry.change(now, change -> {
            // One conditional update: of two redemptions at once, on any nodes, exactly one gets the token.
            if (!change.redeemToken(hash, token.kiosk(), now)) {
                raced.set(Refused.of(Kind.CONFLICT, "Enrollment token already used",
                        "this token was just used by another request; ask the technician for a new one"));
                return null;
            }
            X509Certificate cert = ca.issueClient(csr.key(), token.kiosk().value(), now,
                    settings.certificateLifetime());
            issued.set(cert);
            KioskRecord previous = change.kiosk(token.kiosk()).orElse(null);
            if (previous != null && previous.enrolled() && previous.notAfter().isAfter(now)
                    && !change.isRevoked(previous.serial())) {
                change.addRevoked(new RevokedSerial(previous.serial(), previous.id(), now, previous.notAfter(),
                        "superseded"));
                superseded.set(true);
            }
            change.putKiosk(new KioskRecord(token.kiosk().value(), record.label(), serial(cert),
                    cert.getNotAfter().toInstant(), null));
            return null;
        });
        if (raced.get() != null) {
            return refuse(client, AuditAction.ENROLLMENT_REFUSED, subject, "token already used", raced.get());
        }
        X509Certificate cert = issued.get();
        registry.seen(token.kiosk(), now);
        audit.record(new AuditEvent(now, AuditActor.kiosk(token.kiosk()), AuditAction.KIOSK_ENROLLED, subject,
                "certificate " + serial(cert) + " until " + cert.getNotAfter().toInstant() + ", from " + client));
        if (superseded.get()) {
            afterRevocation.run();
        }
        return new Issued(response(token.kiosk(), cert));
    }

    /**
     * Renews the certificate of the kiosk that presented {@code presented} over mutual TLS (its chain already
     * verified up to our root by the TLS layer, regardless of dates). The old certificate is superseded.
     */
    public EnrollmentOutcome renew(X509Certificate presented, RenewalRequest request, AuditActor client) {
        Instant now = clock.instant();
        KioskCertificateCheck.Valid valid;
        switch (checkKiosk(presented, client, AuditAction.RENEWAL_REFUSED, "renewal")) {
            case Refused refused -> {
                return refused;
            }
            case KioskCertificateCheck.Valid v -> valid = v;
        }
        KioskId kiosk = valid.kiosk();
        KioskRecord record = valid.record();
        String subject = "kiosk:" + kiosk;
        CsrCheck.Accepted csr;
        try {
            csr = CsrCheck.check(request.csr(), kiosk);
        } catch (RefusedException e) {
            return refuse(client, AuditAction.RENEWAL_REFUSED, subject, e.refused().refusal().detail(), e.refused());
        }
        X509Certificate cert = ca.issueClient(csr.key(), kiosk.value(), now, settings.certificateLifetime());
        registry.change(now, change -> {
            KioskRecord current = change.kiosk(kiosk).orElse(record);
            return change.addRevoked(new RevokedSerial(current.serial(), kiosk.value(), now, current.notAfter(),
                            "superseded"))
                    .putKiosk(new KioskRecord(kiosk.value(), current.label(), serial(cert),
                            cert.getNotAfter().toInstant(), null));
        });
        registry.seen(kiosk, now);
        audit.record(new AuditEvent(now, AuditActor.kiosk(kiosk), AuditAction.CERTIFICATE_RENEWED, subject,
                "certificate " + serial(cert) + " until " + cert.getNotAfter().toInstant() + " replaces "
                        + record.serial()));
        afterRevocation.run();
        return new Issued(response(kiosk, cert));
    }

    /**
     * Checks that {@code presented} (its chain already verified up to our root by the TLS layer, regardless of dates)
     * is the current certificate of an enrolled kiosk in service. A refusal is audited as {@code refusedAction}.
     *
     * @param purpose what the certificate is presented for, in the refusal's detail (e.g. "renewal")
     */
    public KioskCertificateCheck checkKiosk(X509Certificate presented, AuditActor client, AuditAction refusedAction,
            String purpose) {
        if (presented == null) {
            return refuse(client, refusedAction, "kiosk:unknown", "no client certificate",
                    Refused.of(Kind.NOT_AUTHENTICATED, "Client certificate required", purpose + " needs the kiosk's current certificate "
                            + "(mutual TLS); a kiosk without one enrolls with a token"));
        }
        refreshRegistry();
        return switch (current.check(presented, registry::kiosk, clock.instant())) {
            case CurrentCertificate.Current ok -> new KioskCertificateCheck.Valid(ok.kiosk(), ok.record());
            case CurrentCertificate.Rejected no -> refuse(client, refusedAction,
                    no.kiosk().map(k -> "kiosk:" + k).orElse("kiosk:unknown"), switch (no.problem()) {
                        case OTHER_CA -> "certificate from another CA";
                        case NOT_YET_VALID -> "certificate not yet valid";
                        case EXPIRED -> "certificate expired";
                        case NOT_A_KIOSK -> "not a kiosk certificate";
                        case NOT_ENROLLED, REVOKED -> "kiosk revoked or unknown";
                        case SUPERSEDED -> "superseded certificate";
                    }, refusal(no, presented, purpose));
        };
    }

    private static Refused refusal(CurrentCertificate.Rejected no, X509Certificate presented, String purpose) {
        String kiosk = no.kiosk().map(KioskId::value).orElse("?");
        return switch (no.problem()) {
            case OTHER_CA -> Refused.of(Kind.FORBIDDEN, "Certificate from another CA", "the certificate presented was not "
                    + "issued by this broker's issuing CA: enroll with a token");
            case NOT_YET_VALID -> Refused.of(Kind.NOT_AUTHENTICATED, "Certificate not yet valid", "the kiosk's certificate is valid "
                    + "from " + presented.getNotBefore().toInstant() + " on; check the clocks of kiosk and broker");
            case EXPIRED -> Refused.of(Kind.NOT_AUTHENTICATED, "Certificate expired", "the kiosk's certificate expired at "
                    + presented.getNotAfter().toInstant() + "; an expired certificate cannot be used for " + purpose
                    + ": ask the technician for an enrollment token and run 'edge-agent enroll' again");
            case NOT_A_KIOSK -> Refused.of(Kind.FORBIDDEN, "Not a kiosk certificate", "the certificate presented names no "
                    + "kiosk");
            case NOT_ENROLLED, REVOKED -> Refused.of(Kind.FORBIDDEN, "Kiosk revoked", "kiosk " + kiosk + " was revoked by a "
                    + "technician; it can only enroll again with a new token");
            case SUPERSEDED -> Refused.of(Kind.FORBIDDEN, "Certificate superseded", "this certificate was already replaced by "
                    + "a newer one; use the newest certificate, or enroll again with a token");
        };
    }

    /** Whether {@code kiosk} is enrolled and not revoked, as the registry says now. Blocking. */
    public boolean inService(KioskId kiosk) {
        refreshRegistry();
        return registry.kiosk(kiosk).filter(r -> !r.revoked()).isPresent();
    }

    /**
     * Revokes {@code kiosk}: its certificate goes on the CRL, its connections are dropped, it is refused from now
     * on, until it enrolls again with a new token. Returns false if no such kiosk is enrolled.
     */
    public boolean revoke(KioskId kiosk, AuditActor by) {
        Instant now = clock.instant();
        boolean done = registry.change(now, change -> revoked(change, kiosk, now));
        if (done) {
            audit.record(new AuditEvent(now, by, AuditAction.KIOSK_REVOKED, "kiosk:" + kiosk, ""));
            afterRevocation.run();
        }
        return done;
    }

    /**
     * Revokes {@code kiosk} in {@code change}: its row marked revoked at {@code now}, its certificate (if enrolled)
     * listed for the CRL. Returns false, changing nothing, if no such kiosk is known or it is revoked already.
     */
    public static boolean revoked(RegistryChange change, KioskId kiosk, Instant now) {
        KioskRecord record = change.kiosk(kiosk).orElse(null);
        if (record == null || record.revoked()) {
            return false;
        }
        change.putKiosk(new KioskRecord(record.id(), record.label(), record.serial(), record.notAfter(), now));
        if (record.enrolled()) {
            change.addRevoked(new RevokedSerial(record.serial(), record.id(), now, record.notAfter(), "revoked"));
        }
        return true;
    }

    /** Picks up the kiosks and revocations another node or process (the CLI) wrote a moment ago. */
    private void refreshRegistry() {
        registry.refresh();
    }

    /**
     * Where a kiosk's numbering continues ({@link EnrollmentResponse#nextSeq()}): one above every number the store
     * received from that kiosk id, so that a kiosk enrolled again with a fresh disk does not reuse numbers whose
     * readings are stored. Without it, 1. Call at start, before serving; the function may block (enrollment runs off
     * the event loop).
     */
    public void numberReadingsFrom(java.util.function.ToLongFunction<KioskId> nextSeq) {
        this.nextSeq = Objects.requireNonNull(nextSeq, "nextSeq");
    }

    private EnrollmentResponse response(KioskId kiosk, X509Certificate cert) {
        return new EnrollmentResponse(kiosk.value(),
                new String(Pem.encode(List.of(cert, ca.certificate())), java.nio.charset.StandardCharsets.US_ASCII),
                new String(Pem.encode(List.of(ca.root())), java.nio.charset.StandardCharsets.US_ASCII),
                cert.getNotAfter().toInstant(), settings.mqttUri(), settings.renewUrl(),
                Math.max(1, nextSeq.applyAsLong(kiosk)));
    }

    private Refused refuse(AuditActor client, AuditAction action, String subject, String reason, Refused refused) {
        audit.record(new AuditEvent(clock.instant(), client, action, subject, reason));
        return refused;
    }

    /** The certificate's serial number in lower-case hex, as the registry and the CRL name it. */
    public static String serial(X509Certificate cert) {
        return CurrentCertificate.serial(cert);
    }

    public static BigInteger serial(String hex) {
        return new BigInteger(hex, 16);
    }

    /** The CN of {@code name}, or "" if it has none. */
    public static String commonName(X500Principal name) {
        return CurrentCertificate.commonName(name);
    }

    static String hash(byte[] secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}

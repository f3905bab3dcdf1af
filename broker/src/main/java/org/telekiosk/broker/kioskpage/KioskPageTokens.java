package org.telekiosk.broker.kioskpage;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.IssuedSession;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.KioskCertificateCheck;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * One-time kiosk page tokens, and the kiosk page sessions they open. The edge agent asks for a token over
 * mutual TLS with its kiosk certificate ({@code POST /api/v1/kiosk-page-tokens}); the certificate is checked as for
 * renewal (our CA, not expired, current, kiosk not revoked), a refusal audited. The token goes into the fragment of
 * the kiosk page's URL; the page redeems it once ({@code POST /api/v1/kiosk-session}) for a session whose principal
 * is the kiosk, in the {@code tk_session} cookie like a staff login.
 *
 * <p>Tokens are 256 random bits, kept only as SHA-256 for {@link #LIFETIME}, in the store's database (table
 * {@code kiosk_page_token}): a token issued by one broker node is redeemed at any node on the same database, once,
 * and survives a broker restart within its lifetime. Blocking (registry, database): not on an event loop.
 */
public final class KioskPageTokens {
    /** How long a kiosk page token may wait to be redeemed. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    /** What asking for a token gives. */
    public sealed interface Issue {}

    /** A token for {@code kiosk}'s page; {@code token} is shown once and never logged. */
    public record IssuedToken(KioskId kiosk, OpaqueToken token, Instant expiresAt) implements Issue {}

    /** The certificate was refused; answer {@code refused} as problem+json (already audited). */
    public record NotIssued(Refusal.KioskCredential refusal) implements Issue {}

    /** What redeeming a token gives: a session of the kiosk, or empty (unknown, used, expired, kiosk revoked). */
    public record KioskSession(KioskId kiosk, IssuedSession session) {}

    private final EnrollmentService enrollment;
    private final Sessions sessions;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;
    private final PageTokenTable pending;

    /** @param sql the store's database, where the tokens wait (shared by the broker nodes) */
    public KioskPageTokens(EnrollmentService enrollment, Sessions sessions, AuditLog audit, SqlAccess sql,
            SecureRandom random, Clock clock) {
        this.pending = new PageTokenTable(sql);
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A new token for the kiosk whose certificate {@code presented} is (mutual TLS), or why not.
     *
     */
    public Issue issue(X509Certificate presented, AuditActor client) {
        return switch (enrollment.checkKiosk(presented, client, AuditAction.KIOSK_PAGE_TOKEN_REFUSED,
                "a kiosk page token")) {
            case Refused refused -> new NotIssued(refused.refusal());
            case KioskCertificateCheck.Valid valid -> issue(valid.kiosk());
        };
    }

    private IssuedToken issue(KioskId kiosk) {
        Instant now = clock.instant();
        OpaqueToken token = OpaqueToken.generate(random);
        Instant expiresAt = now.plus(LIFETIME);
        pending.add(token.hash(), kiosk, expiresAt, now);
        audit.record(new AuditEvent(now, AuditActor.kiosk(kiosk), AuditAction.KIOSK_PAGE_TOKEN_ISSUED,
                "kiosk:" + kiosk, "until " + expiresAt));
        return new IssuedToken(kiosk, token, expiresAt);
    }

    /** Redeems {@code text} once for a kiosk page session; empty if it is not a live token of a kiosk in service. */
    public Optional<KioskSession> redeem(String text, AuditActor client) {
        Instant now = clock.instant();
        Optional<PageTokenTable.Pending> found = OpaqueToken.parse(text).flatMap(t -> pending.take(t.hash()));
        if (found.isEmpty()) {
            return refused(now, client, "kiosk:unknown", "unknown or used token");
        }
        KioskId kiosk = found.get().kiosk();
        if (!now.isBefore(found.get().expiresAt())) {
            return refused(now, client, "kiosk:" + kiosk, "token expired");
        }
        if (!enrollment.inService(kiosk)) {
            return refused(now, client, "kiosk:" + kiosk, "kiosk revoked");
        }
        IssuedSession session = sessions.startKiosk(kiosk);
        audit.record(new AuditEvent(now, AuditActor.kiosk(kiosk), AuditAction.KIOSK_PAGE_SESSION_STARTED,
                "kiosk:" + kiosk, "from " + client.value()));
        return Optional.of(new KioskSession(kiosk, session));
    }

    private Optional<KioskSession> refused(Instant now, AuditActor client, String subject, String why) {
        audit.record(new AuditEvent(now, client, AuditAction.KIOSK_PAGE_SESSION_REFUSED, subject, why));
        return Optional.empty();
    }
}

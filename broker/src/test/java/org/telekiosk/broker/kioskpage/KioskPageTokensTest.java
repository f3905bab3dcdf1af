package org.telekiosk.broker.kioskpage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.InMemoryAccountRepository;
import org.telekiosk.broker.account.InMemorySessionRepository;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.account.SessionPolicy;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.enrollment.Issued;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;

/** Kiosk page tokens as a service, on a fake clock: who gets one, and what redeeming one gives, once. */
class KioskPageTokensTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final AuditActor CLIENT = AuditActor.client("192.0.2.7");
    static final AuditActor TECHNICIAN = new AuditActor("account:tech-1");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final SecureRandom random = new SecureRandom();
    EnrollmentService enrollment;
    Sessions sessions;
    KioskPageTokens tokens;
    X509Certificate certificate;

    @BeforeEach
    void setUp() throws Exception {
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("unused"),
                random), List.of("localhost"), new Certificates(random), clock);
        KioskRegistry registry = org.telekiosk.broker.testing.TestRegistry.open(dir);
        enrollment = new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()), audit, clock,
                random, new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30), "ssl://localhost:8883",
                        "https://localhost:8443/api/v1/renew"), () -> { });
        sessions = new Sessions(new InMemorySessionRepository(), new InMemoryAccountRepository(),
                SessionPolicy.DEFAULT, random, clock, enrollment::inService);
        tokens = new KioskPageTokens(enrollment, sessions, audit, org.telekiosk.broker.testing.TestRegistry.sql(dir), random,
                clock);
        Issued issued = assertInstanceOf(Issued.class, enrollment.enroll(new EnrollmentRequest(
                enrollment.createToken(KIOSK, "Lab room 3", TECHNICIAN).line(),
                TestKiosk.csr(TestKiosk.p256(), "CN=" + KIOSK.value(), "SHA256withECDSA")), CLIENT));
        certificate = TestKiosk.certificates(issued.response().certificateChain()).getFirst();
    }

    KioskPageTokens.IssuedToken issue() {
        return assertInstanceOf(KioskPageTokens.IssuedToken.class, tokens.issue(certificate, CLIENT));
    }

    AuditEvent lastAudit() {
        return audit.events().getLast();
    }

    @Test
    void aKioskCertificateGetsAFiveMinuteTokenThatOpensOneKioskPageSessionOfThatKiosk() {
        KioskPageTokens.IssuedToken issued = issue();
        assertEquals(KIOSK, issued.kiosk());
        assertEquals(clock.instant().plus(Duration.ofMinutes(5)), issued.expiresAt());
        assertEquals(AuditAction.KIOSK_PAGE_TOKEN_ISSUED, lastAudit().action());
        assertFalse(lastAudit().detail().contains(issued.token().value()), "the token is never recorded");

        KioskPageTokens.KioskSession started = tokens.redeem(issued.token().value(), CLIENT).orElseThrow();
        assertEquals(KIOSK, started.kiosk());
        assertEquals(AuditAction.KIOSK_PAGE_SESSION_STARTED, lastAudit().action());
        SessionLookup.Kiosk session = assertInstanceOf(SessionLookup.Kiosk.class,
                sessions.lookup(started.session().token()));
        assertEquals(KIOSK, session.kiosk());
    }

    @Test
    void aTokenIsRedeemedOnlyOnce() {
        String token = issue().token().value();
        assertTrue(tokens.redeem(token, CLIENT).isPresent());
        assertTrue(tokens.redeem(token, CLIENT).isEmpty());
        assertEquals(AuditAction.KIOSK_PAGE_SESSION_REFUSED, lastAudit().action());
        assertEquals("unknown or used token", lastAudit().detail());
    }

    @Test
    void aTokenExpiresAfterFiveMinutes() {
        String token = issue().token().value();
        clock.advance(Duration.ofMinutes(5));
        assertTrue(tokens.redeem(token, CLIENT).isEmpty());
        assertEquals("token expired", lastAudit().detail());
    }

    @Test
    void garbageIsNoToken() {
        assertTrue(tokens.redeem("not a token!", CLIENT).isEmpty());
        assertTrue(tokens.redeem("", CLIENT).isEmpty());
    }

    @Test
    void aRevokedKioskGetsNoTokenCannotRedeemOneAndItsPageSessionsEnd() {
        String unused = issue().token().value();
        KioskPageTokens.KioskSession started = tokens.redeem(issue().token().value(), CLIENT).orElseThrow();
        assertTrue(enrollment.revoke(KIOSK, TECHNICIAN));

        assertInstanceOf(SessionLookup.Refused.class, sessions.lookup(started.session().token()),
                "the page session ended with the kiosk");
        assertTrue(tokens.redeem(unused, CLIENT).isEmpty());
        assertEquals("kiosk revoked", lastAudit().detail());
        KioskPageTokens.NotIssued refused = assertInstanceOf(KioskPageTokens.NotIssued.class,
                tokens.issue(certificate, CLIENT));
        assertEquals(Refusal.Kind.FORBIDDEN, refused.refusal().kind());
        assertEquals(AuditAction.KIOSK_PAGE_TOKEN_REFUSED, lastAudit().action());
        assertEquals("kiosk revoked or unknown", lastAudit().detail());
    }

    @Test
    void noCertificateAnExpiredOneOrOneFromAnotherCaGetsNoTokenAndIsAudited() throws Exception {
        KioskPageTokens.NotIssued none = assertInstanceOf(KioskPageTokens.NotIssued.class,
                tokens.issue(null, CLIENT));
        assertEquals(Refusal.Kind.NOT_AUTHENTICATED, none.refusal().kind());
        assertEquals("no client certificate", lastAudit().detail());

        BrokerPki other = BrokerPki.open(dir.resolve("other-pki"), KeystorePassword.resolve("pw2",
                dir.resolve("unused2"), random), List.of("localhost"), new Certificates(random), clock);
        X509Certificate foreign = other.issuing().issueClient(TestKiosk.p256().getPublic(), KIOSK.value(),
                clock.instant(), Duration.ofDays(30));
        KioskPageTokens.NotIssued fromElsewhere = assertInstanceOf(KioskPageTokens.NotIssued.class,
                tokens.issue(foreign, CLIENT));
        assertEquals(Refusal.Kind.FORBIDDEN, fromElsewhere.refusal().kind());
        assertEquals(AuditAction.KIOSK_PAGE_TOKEN_REFUSED, lastAudit().action());
        assertEquals("certificate from another CA", lastAudit().detail());

        clock.advance(Duration.ofDays(31));
        KioskPageTokens.NotIssued expired = assertInstanceOf(KioskPageTokens.NotIssued.class,
                tokens.issue(certificate, CLIENT));
        assertEquals(Refusal.Kind.NOT_AUTHENTICATED, expired.refusal().kind());
        assertEquals("certificate expired", lastAudit().detail());
    }

    @Test
    void aKioskPageSessionIsNoStaffSession() {
        KioskPageTokens.KioskSession started = tokens.redeem(issue().token().value(), CLIENT).orElseThrow();
        assertFalse(sessions.lookup(started.session().token()) instanceof SessionLookup.Active);
    }
}

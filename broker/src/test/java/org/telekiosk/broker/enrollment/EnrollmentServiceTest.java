package org.telekiosk.broker.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.request.Refusal.Kind;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import org.telekiosk.protocol.enrollment.RenewalRequest;

/** Enrollment, renewal and revocation as a service: every refusal with its message and audit entry, on a fake clock. */
class EnrollmentServiceTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final AuditActor TECHNICIAN = new AuditActor("account:tech-1");
    static final AuditActor CLIENT = AuditActor.client("192.0.2.7");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final AtomicInteger revocationsPublished = new AtomicInteger();
    BrokerPki pki;
    KioskRegistry registry;
    EnrollmentService service;

    @BeforeEach
    void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("unused"), random),
                List.of("localhost"), new Certificates(random), clock);
        registry = org.telekiosk.broker.testing.TestRegistry.open(dir);
        service = new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()), audit, clock, random,
                new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30), "ssl://localhost:8883",
                        "https://localhost:8443/api/v1/renew"), revocationsPublished::incrementAndGet);
    }

    EnrollmentToken token() {
        return service.createToken(KIOSK, "Lab room 3", TECHNICIAN);
    }

    static String csr(KeyPair keys, KioskId kiosk) throws Exception {
        return TestKiosk.csr(keys, "CN=" + kiosk.value() + ",O=Telekiosk", "SHA256withECDSA");
    }

    /** The refusal of a refused outcome; its kind is what the REST transport makes a status of (api.Problems). */
    Refusal.KioskCredential refused(EnrollmentOutcome outcome) {
        return assertInstanceOf(Refused.class, outcome, () -> "expected a refusal, got " + outcome).refusal();
    }

    AuditEvent lastAudit() {
        List<AuditEvent> events = audit.events();
        return events.getLast();
    }

    @Test
    void aTokenIsOneLineThatNamesTheKioskAndPinsTheCaButIsStoredOnlyAsAHash() throws Exception {
        EnrollmentToken token = token();
        assertTrue(token.line().matches("tk1\\.wmk-lab-03\\.[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}"), token.line());
        assertEquals(EnrollmentToken.parse(token.line()).kiosk(), KIOSK);
        assertTrue(java.util.Arrays.equals(CaPin.of(pki.caCertificate()), token.caPin()));
        String secret = token.line().split("\\.")[2];
        // Every column of every token row, as text: the secret is in none of them, its SHA-256 is the key.
        StringBuilder rows = new StringBuilder();
        org.telekiosk.broker.testing.TestRegistry.sql(dir).run("read the tokens", c -> {
            try (var s = c.createStatement(); var row = s.executeQuery("SELECT * FROM enrollment_token")) {
                while (row.next()) {
                    for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                        rows.append(row.getString(i)).append('|');
                    }
                }
            }
            return null;
        });
        assertTrue(rows.toString().contains(EnrollmentService.hash(token.secret())), rows.toString());
        assertFalse(rows.toString().contains(secret), "the registry holds no token secret");
        assertFalse(token.toString().contains(secret));
        assertEquals(AuditAction.ENROLLMENT_TOKEN_CREATED, lastAudit().action());
        assertEquals(TECHNICIAN, lastAudit().actor());
    }

    @Test
    void aValidTokenAndCsrGetAThirtyDayClientCertificateFromTheIssuingCa() throws Exception {
        KeyPair keys = TestKiosk.p256();
        Issued issued = assertInstanceOf(Issued.class,
                service.enroll(new EnrollmentRequest(token().line(), csr(keys, KIOSK)), CLIENT));
        List<X509Certificate> chain = TestKiosk.certificates(issued.response().certificateChain());
        X509Certificate cert = chain.getFirst();
        cert.verify(pki.issuing().certificate().getPublicKey());
        assertEquals(keys.getPublic(), cert.getPublicKey());
        assertEquals("wmk-lab-03", EnrollmentService.commonName(cert.getSubjectX500Principal()));
        assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");
        assertEquals(clock.instant().plus(Duration.ofDays(30)), cert.getNotAfter().toInstant());
        assertEquals(pki.caCertificate(), TestKiosk.certificates(issued.response().caCertificate()).getFirst());
        assertEquals("ssl://localhost:8883", issued.response().mqttUri());
        var record = registry.state().kiosk(KIOSK).orElseThrow();
        assertEquals("Lab room 3", record.label());
        assertEquals(EnrollmentService.serial(cert), record.serial());
        assertEquals(AuditAction.KIOSK_ENROLLED, lastAudit().action());
    }

    @Test
    void anUnknownTokenIsRefusedWith401AndAudited() throws Exception {
        EnrollmentToken real = token();
        byte[] otherSecret = new byte[32];
        EnrollmentToken forged = EnrollmentToken.of(KIOSK, otherSecret, real.caPin());
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(forged.line(), csr(TestKiosk.p256(), KIOSK)),
                CLIENT));
        assertEquals(Kind.NOT_AUTHENTICATED, refused.kind());
        assertTrue(refused.detail().contains("ask the technician for a new one"), refused.detail());
        assertEquals(AuditAction.ENROLLMENT_REFUSED, lastAudit().action());
        assertEquals(CLIENT, lastAudit().actor());
        assertEquals("unknown token", lastAudit().detail());
    }

    @Test
    void aTokenIsRefusedWith409WhenUsedASecondTime() throws Exception {
        EnrollmentToken token = token();
        assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token.line(), csr(TestKiosk.p256(), KIOSK)),
                CLIENT));
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token.line(), csr(TestKiosk.p256(), KIOSK)),
                CLIENT));
        assertEquals(Kind.CONFLICT, refused.kind());
        assertTrue(refused.detail().contains("was used at"), refused.detail());
        assertEquals("token already used", lastAudit().detail());
    }

    @Test
    void aTokenIsRefusedWith410AfterTwentyFourHours() throws Exception {
        EnrollmentToken token = token();
        clock.advance(Duration.ofHours(24));
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token.line(), csr(TestKiosk.p256(), KIOSK)),
                CLIENT));
        assertEquals(Kind.GONE, refused.kind());
        assertTrue(refused.detail().contains("expired"), refused.detail());
        assertEquals("token expired", lastAudit().detail());
    }

    @Test
    void aTokenWithATamperedCaHashIsRefusedAsMadeForAnotherBroker() throws Exception {
        EnrollmentToken token = token();
        byte[] pin = token.caPin();
        pin[0] ^= 1;
        EnrollmentToken tampered = EnrollmentToken.of(KIOSK, token.secret(), pin);
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(tampered.line(), csr(TestKiosk.p256(), KIOSK)),
                CLIENT));
        assertEquals(Kind.INVALID, refused.kind());
        assertTrue(refused.detail().contains("pins another CA"), refused.detail());
        assertEquals("token pins another CA", lastAudit().detail());
    }

    @Test
    void aCsrWhoseSubjectIsAnotherKioskIsRefusedWith403AndTheTokenStaysUnused() throws Exception {
        EnrollmentToken token = token();
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token.line(),
                csr(TestKiosk.p256(), KioskId.of("wmk-lab-04"))), CLIENT));
        assertEquals(Kind.FORBIDDEN, refused.kind());
        assertTrue(refused.detail().contains("CN=wmk-lab-04") && refused.detail().contains("wmk-lab-03"),
                refused.detail());
        assertEquals(AuditAction.ENROLLMENT_REFUSED, lastAudit().action());
        assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token.line(),
                csr(TestKiosk.p256(), KIOSK)), CLIENT), "the technician's token still works with a correct CSR");
    }

    @Test
    void anRsa1024KeyIsRefusedAsWeak() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token().line(),
                TestKiosk.csr(rsa.generateKeyPair(), "CN=" + KIOSK.value(), "SHA256withRSA")), CLIENT));
        assertEquals(Kind.INVALID, refused.kind());
        assertTrue(refused.detail().contains("RSA 1024 bit") && refused.detail().contains("P-256"), refused.detail());
        assertTrue(lastAudit().detail().contains("RSA 1024"), lastAudit().detail());
    }

    @Test
    void aP192KeyIsRefusedAsWeak() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        ec.initialize(new ECGenParameterSpec("secp192r1"));
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token().line(),
                TestKiosk.csr(ec.generateKeyPair(), "CN=" + KIOSK.value(), "SHA256withECDSA")), CLIENT));
        assertEquals(Kind.INVALID, refused.kind());
        assertTrue(refused.detail().contains("P-192"), refused.detail());
        assertEquals(AuditAction.ENROLLMENT_REFUSED, lastAudit().action());
    }

    @Test
    void aP384KeyIsAccepted() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token().line(),
                TestKiosk.csr(ec.generateKeyPair(), "CN=" + KIOSK.value(), "SHA384withECDSA")), CLIENT));
    }

    @Test
    void somethingThatIsNoCsrIsRefusedWithAHint() throws Exception {
        Refusal.KioskCredential refused = refused(service.enroll(new EnrollmentRequest(token().line(), "hello"), CLIENT));
        assertEquals(Kind.INVALID, refused.kind());
        assertTrue(refused.detail().contains("BEGIN CERTIFICATE REQUEST"), refused.detail());
    }

    @Test
    void renewalIssuesANewCertificateAndSupersedesTheOldOne() throws Exception {
        Issued first = assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token().line(),
                csr(TestKiosk.p256(), KIOSK)), CLIENT));
        X509Certificate old = TestKiosk.certificates(first.response().certificateChain()).getFirst();
        clock.advance(Duration.ofDays(20));
        Issued renewed = assertInstanceOf(Issued.class, service.renew(old,
                new RenewalRequest(csr(TestKiosk.p256(), KIOSK)), CLIENT));
        X509Certificate next = TestKiosk.certificates(renewed.response().certificateChain()).getFirst();
        assertEquals(clock.instant().plus(Duration.ofDays(30)), next.getNotAfter().toInstant());
        assertEquals(EnrollmentService.serial(next), registry.state().kiosk(KIOSK).orElseThrow().serial());
        assertTrue(registry.state().revokedSerials().stream()
                .anyMatch(r -> r.serial().equals(EnrollmentService.serial(old)) && r.reason().equals("superseded")));
        assertEquals(AuditAction.CERTIFICATE_RENEWED, lastAudit().action());
        Refusal.KioskCredential again = refused(service.renew(old, new RenewalRequest(csr(TestKiosk.p256(), KIOSK)), CLIENT));
        assertEquals(Kind.FORBIDDEN, again.kind());
        assertTrue(again.detail().contains("replaced by a newer"), again.detail());
    }

    @Test
    void anExpiredCertificateCannotRenewAndIsToldToReEnroll() throws Exception {
        Issued first = assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token().line(),
                csr(TestKiosk.p256(), KIOSK)), CLIENT));
        X509Certificate old = TestKiosk.certificates(first.response().certificateChain()).getFirst();
        clock.advance(Duration.ofDays(31));
        Refusal.KioskCredential refused = refused(service.renew(old, new RenewalRequest(csr(TestKiosk.p256(), KIOSK)), CLIENT));
        assertEquals(Kind.NOT_AUTHENTICATED, refused.kind());
        assertTrue(refused.detail().contains("expired") && refused.detail().contains("edge-agent enroll"),
                refused.detail());
        assertEquals(AuditAction.RENEWAL_REFUSED, lastAudit().action());
        assertEquals("certificate expired", lastAudit().detail());
    }

    @Test
    void aRevokedKioskCannotRenewAndItsSerialIsListedForTheCrl() throws Exception {
        Issued first = assertInstanceOf(Issued.class, service.enroll(new EnrollmentRequest(token().line(),
                csr(TestKiosk.p256(), KIOSK)), CLIENT));
        X509Certificate cert = TestKiosk.certificates(first.response().certificateChain()).getFirst();
        assertTrue(service.revoke(KIOSK, TECHNICIAN));
        assertEquals(AuditAction.KIOSK_REVOKED, lastAudit().action());
        assertEquals(TECHNICIAN, lastAudit().actor());
        assertEquals(1, revocationsPublished.get(), "the CRL is published and connections dropped at once");
        assertTrue(registry.state().revokedSerials().stream()
                .anyMatch(r -> r.serial().equals(EnrollmentService.serial(cert)) && r.reason().equals("revoked")));
        Refusal.KioskCredential refused = refused(service.renew(cert, new RenewalRequest(csr(TestKiosk.p256(), KIOSK)), CLIENT));
        assertEquals(Kind.FORBIDDEN, refused.kind());
        assertTrue(refused.detail().contains("revoked"), refused.detail());
        assertFalse(service.revoke(KIOSK, TECHNICIAN), "revoking twice changes nothing");
    }

    @Test
    void aCertificateFromAnotherCaCannotRenew() throws Exception {
        BrokerPki other = BrokerPki.open(dir.resolve("other-pki"), KeystorePassword.resolve("pw2",
                dir.resolve("unused2"), new SecureRandom()), List.of("localhost"), new Certificates(new SecureRandom()),
                clock);
        X509Certificate foreign = other.issuing().issueClient(TestKiosk.p256().getPublic(), KIOSK.value(),
                clock.instant(), Duration.ofDays(30));
        Refusal.KioskCredential refused = refused(service.renew(foreign, new RenewalRequest(csr(TestKiosk.p256(), KIOSK)), CLIENT));
        assertEquals(Kind.FORBIDDEN, refused.kind());
        assertTrue(refused.detail().contains("not issued by this broker"), refused.detail());
    }
}

package org.telekiosk.broker.kiosk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.kiosk.CurrentCertificate.Problem;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * The one rule for "is this the kiosk's current certificate", shared by the MQTT authenticator and enrollment: each
 * way a certificate falls short, on real certificates from a real issuing CA, including one that is not valid yet.
 */
class CurrentCertificateTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    BrokerPki ours;
    BrokerPki theirs;
    CurrentCertificate rule;
    KeyPair keys;

    @BeforeEach
    void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        MutableClock clock = MutableClock.startingAt(NOW.toString());
        ours = BrokerPki.open(dir.resolve("ours"), KeystorePassword.resolve("pw", dir.resolve("a"), random),
                List.of("localhost"), new Certificates(random), clock);
        theirs = BrokerPki.open(dir.resolve("theirs"), KeystorePassword.resolve("pw", dir.resolve("b"), random),
                List.of("localhost"), new Certificates(random), clock);
        rule = new CurrentCertificate(ours.issuing().certificate());
        keys = ours.issuing().newKeyPair();
    }

    X509Certificate issued(String cn, Instant from) {
        return ours.issuing().issueClient(keys.getPublic(), cn, from, Duration.ofDays(30));
    }

    static KioskRegistry.State holding(X509Certificate cert, Instant revokedAt) {
        return new KioskRegistry.State(List.of(new KioskRecord(KIOSK.value(), "Lab room 3",
                CurrentCertificate.serial(cert), cert.getNotAfter().toInstant(), revokedAt)), List.of(), 0);
    }

    Problem problem(X509Certificate cert, KioskRegistry.State state, Instant at) {
        return assertInstanceOf(CurrentCertificate.Rejected.class, rule.check(cert, state, at)).problem();
    }

    @Test
    void theRegistrysCertificateOfAnEnrolledKioskWithinItsValidityIsCurrent() {
        X509Certificate cert = issued(KIOSK.value(), NOW);
        var current = assertInstanceOf(CurrentCertificate.Current.class, rule.check(cert, holding(cert, null), NOW));
        assertEquals(KIOSK, current.kiosk());
        // notAfter itself still belongs to the validity period (RFC 5280 §4.1.2.5).
        assertInstanceOf(CurrentCertificate.Current.class,
                rule.check(cert, holding(cert, null), cert.getNotAfter().toInstant()));
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedEvenIfItsSerialIsInTheRegistry() {
        X509Certificate foreign = theirs.issuing().issueClient(keys.getPublic(), KIOSK.value(), NOW,
                Duration.ofDays(30));
        assertEquals(Problem.OTHER_CA, problem(foreign, holding(foreign, null), NOW));
    }

    @Test
    void aCertificateIsRefusedBeforeItsNotBeforeAndAfterItsNotAfter() {
        X509Certificate later = issued(KIOSK.value(), NOW.plus(Duration.ofHours(1)));
        assertEquals(Problem.NOT_YET_VALID, problem(later, holding(later, null), NOW));
        X509Certificate cert = issued(KIOSK.value(), NOW);
        assertEquals(Problem.EXPIRED, problem(cert, holding(cert, null),
                cert.getNotAfter().toInstant().plusMillis(1)));
    }

    @Test
    void aCertificateThatNamesNoKioskOrAKioskNotEnrolledIsRefused() {
        X509Certificate odd = issued("Not A Kiosk!", NOW);
        CurrentCertificate.Rejected rejected = assertInstanceOf(CurrentCertificate.Rejected.class,
                rule.check(odd, KioskRegistry.State.empty(), NOW));
        assertEquals(Problem.NOT_A_KIOSK, rejected.problem());
        assertEquals("Not A Kiosk!", rejected.commonName());
        assertEquals(Optional.empty(), rejected.kiosk());
        X509Certificate cert = issued(KIOSK.value(), NOW);
        assertEquals(Problem.NOT_ENROLLED, problem(cert, KioskRegistry.State.empty(), NOW));
        KioskRegistry.State tokenOnly = new KioskRegistry.State(List.of(new KioskRecord(KIOSK.value(),
                "Lab room 3", "", null, null)), List.of(), 0);
        assertEquals(Problem.NOT_ENROLLED, problem(cert, tokenOnly, NOW));
    }

    @Test
    void aRevokedKioskAndASupersededCertificateAreRefused() {
        X509Certificate cert = issued(KIOSK.value(), NOW);
        assertEquals(Problem.REVOKED, problem(cert, holding(cert, NOW.minusSeconds(1)), NOW));
        X509Certificate renewed = issued(KIOSK.value(), NOW);
        assertEquals(Problem.SUPERSEDED, problem(cert, holding(renewed, null), NOW));
    }
}

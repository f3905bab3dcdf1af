package org.telekiosk.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.KioskId;

class BrokerPkiTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final List<String> HOSTS = List.of("localhost", "127.0.0.1");

    @TempDir
    Path dir;

    final Certificates certs = new Certificates(new SecureRandom());

    KeystorePassword password() throws IOException {
        return KeystorePassword.resolve(null, dir.resolve("keystore.password"), new SecureRandom());
    }

    BrokerPki open(Instant now, List<String> hosts) throws Exception {
        return BrokerPki.open(dir.resolve("pki"), password(), hosts, certs, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void firstStartMakesAP256RootAnIssuingCaBelowItAndAServerCertificateTheIssuingCaSigned() throws Exception {
        BrokerPki pki = open(NOW, HOSTS);
        X509Certificate root = pki.caCertificate();
        X509Certificate issuing = pki.issuing().certificate();
        X509Certificate server = pki.serverChain().getFirst();
        assertEquals("EC", root.getPublicKey().getAlgorithm());
        assertEquals(1, root.getBasicConstraints(), "the root signs CAs one level down");
        root.verify(root.getPublicKey());
        issuing.verify(root.getPublicKey());
        assertEquals(0, issuing.getBasicConstraints(), "the issuing CA signs end-entity certificates only");
        server.verify(issuing.getPublicKey());
        assertEquals(List.of(server, issuing, root), pki.serverChain());
        assertEquals(-1, server.getBasicConstraints());
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        List<String> sans = server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1)))
                .toList();
        assertTrue(sans.contains("localhost") && sans.contains("127.0.0.1"), sans.toString());
        assertTrue(server.getNotAfter().toInstant().isAfter(NOW.plus(Duration.ofDays(300))));
    }

    @Test
    void keysAreStoredOwnerOnlyAndTheCaCertificateIsPublic() throws Exception {
        open(NOW, HOSTS);
        Path pki = dir.resolve("pki");
        for (String secret : List.of("root-ca.p12", "issuing-ca.p12", "server.p12", "service.p12", "truststore.p12")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(secret))),
                    secret);
        }
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keystore.password"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki)));
        assertTrue(Files.readString(pki.resolve("ca.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void aRestartKeepsTheSameCaAndServerCertificate() throws Exception {
        BrokerPki first = open(NOW, HOSTS);
        BrokerPki second = open(NOW.plus(Duration.ofDays(30)), HOSTS);
        assertEquals(first.caCertificate(), second.caCertificate());
        assertEquals(first.serverChain().getFirst(), second.serverChain().getFirst());
    }

    @Test
    void theServerCertificateIsReissuedForNewHostNames() throws Exception {
        BrokerPki first = open(NOW, HOSTS);
        BrokerPki second = open(NOW, List.of("localhost", "127.0.0.1", "kiosk-broker.example"));
        assertEquals(first.caCertificate(), second.caCertificate());
        assertNotEquals(first.serverChain().getFirst(), second.serverChain().getFirst());
    }

    @Test
    void theServerCertificateIsReissuedWhenTwoThirdsOfItsLifetimeHavePassed() throws Exception {
        BrokerPki first = open(NOW, HOSTS);
        Instant late = NOW.plus(BrokerPki.SERVER_LIFETIME.multipliedBy(2).dividedBy(3)).plus(Duration.ofDays(1));
        BrokerPki renewed = open(late, HOSTS);
        assertNotEquals(first.serverChain().getFirst(), renewed.serverChain().getFirst());
        assertFalse(renewed.serverChain().getFirst().getNotAfter().toInstant().isBefore(late.plus(Duration.ofDays(300))));
    }

    @Test
    void aKeyFileReadableByOthersIsRefused() throws Exception {
        open(NOW, HOSTS);
        Path ca = dir.resolve("pki").resolve("root-ca.p12");
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> open(NOW, HOSTS));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void theBrokersServiceIdentityIsAClientCertificateOfTheIssuingCaThatNoKioskCanClaim() throws Exception {
        BrokerPki pki = open(NOW, HOSTS);
        X509Certificate service = (X509Certificate) pki.serviceIdentity().getCertificate();
        service.verify(pki.issuing().certificate().getPublicKey());
        assertTrue(service.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");
        assertTrue(service.getSubjectX500Principal().getName().contains("CN=" + BrokerPki.SERVICE_NAME));
        assertThrows(IllegalArgumentException.class, () -> KioskId.of(BrokerPki.SERVICE_NAME),
                "no kiosk id can equal the service name");
    }

    @Test
    void aDataDirectoryOfTheSingleCaLayoutIsMovedAsideAndANewTwoLevelCaIsMade() throws Exception {
        Path pki = dir.resolve("pki");
        Files.createDirectories(pki);
        Files.writeString(pki.resolve("ca.p12"), "old single CA");
        Files.writeString(pki.resolve("server.p12"), "old server");
        Files.setPosixFilePermissions(pki.resolve("ca.p12"), PosixFilePermissions.fromString("rw-------"));
        BrokerPki opened = open(NOW, HOSTS);
        Path aside = pki.resolve("legacy-single-ca-" + NOW.getEpochSecond());
        assertEquals("old single CA", Files.readString(aside.resolve("ca.p12")));
        assertEquals("old server", Files.readString(aside.resolve("server.p12")));
        assertTrue(Files.exists(pki.resolve("root-ca.p12")));
        assertEquals(1, opened.caCertificate().getBasicConstraints());
    }

    @Test
    void theCrlListsRevokedSerialsAndIsSignedByTheIssuingCa() throws Exception {
        BrokerPki pki = open(NOW, HOSTS);
        java.math.BigInteger serial = java.math.BigInteger.valueOf(0xabcdef);
        var crl = pki.issuing().crl(java.util.Map.of(serial, NOW), 3, NOW, Duration.ofDays(7));
        crl.verify(pki.issuing().certificate().getPublicKey());
        assertTrue(crl.getRevokedCertificate(serial) != null);
        assertEquals(NOW.plus(Duration.ofDays(7)), crl.getNextUpdate().toInstant());
    }

    @Test
    void theWrongKeystorePasswordIsRefused() throws Exception {
        open(NOW, HOSTS);
        KeystorePassword wrong = KeystorePassword.resolve("not-the-password", dir.resolve("unused"),
                new SecureRandom());
        assertThrows(IOException.class, () -> BrokerPki.open(dir.resolve("pki"), wrong, HOSTS, certs,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void thePasswordNeverAppearsInToString() throws Exception {
        KeystorePassword pw = KeystorePassword.resolve("s3cret-value", dir.resolve("unused"), new SecureRandom());
        assertFalse(pw.toString().contains("s3cret"));
    }

    @Test
    void withTheRootKeyOfflineTheBrokerRunsOnTheIssuingCaUntilThatNeedsRenewing() throws Exception {
        BrokerPki first = open(NOW, HOSTS);
        Path rootKey = dir.resolve("pki/root-ca.p12");
        Path offline = Files.move(rootKey, dir.resolve("root-ca.p12.offline"));

        BrokerPki later = open(NOW.plus(Duration.ofDays(30)), HOSTS);
        assertEquals(first.caCertificate(), later.caCertificate());
        assertEquals(first.issuing().certificate(), later.issuing().certificate());
        assertFalse(Files.exists(rootKey), "no new root CA was made");

        Instant renewalDue = NOW.plus(BrokerPki.ISSUING_LIFETIME.multipliedBy(3).dividedBy(4));
        IOException refused = assertThrows(IOException.class, () -> open(renewalDue, HOSTS));
        assertTrue(refused.getMessage().contains("root-ca.p12"), refused.getMessage());

        Files.move(offline, rootKey);
        BrokerPki renewed = open(renewalDue, HOSTS);
        assertEquals(first.caCertificate(), renewed.caCertificate());
        assertNotEquals(first.issuing().certificate(), renewed.issuing().certificate());
    }
}

package org.telekiosk.agent.enrollment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The kiosk's first-contact check: the server's chain must hold the pinned CA and validate up to it. */
class PinnedCaTrustTest {
    final SecureRandom random = new SecureRandom();
    final KeyPair caKeys = KioskKeys.newKeyPair(random);
    final X509Certificate ca = certificate("CN=Pinned CA", caKeys, caKeys, true);
    final KeyPair serverKeys = KioskKeys.newKeyPair(random);
    final X509Certificate server = certificate("CN=localhost", serverKeys, caKeys, false);

    X509Certificate certificate(String subject, KeyPair subjectKeys, KeyPair issuerKeys, boolean isCa) {
        try {
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(new X500Name(isCa ? subject : "CN=Pinned CA"),
                    new BigInteger(64, random).setBit(0), Date.from(now.minus(Duration.ofMinutes(1))),
                    Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject), subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, isCa ? new BasicConstraints(0)
                            : new BasicConstraints(false));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            } else {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aChainHoldingThePinnedCaIsTrustedAndTheCaRemembered() {
        PinnedCaTrust trust = new PinnedCaTrust(PinnedCaTrust.spkiHash(ca));
        assertDoesNotThrow(() -> trust.checkServerTrusted(new X509Certificate[] {server, ca}, "ECDHE_ECDSA"));
        assertEquals(ca, trust.pinnedCa().orElseThrow());
    }

    @Test
    void aChainWithoutThePinnedCaIsAnImpostor() {
        byte[] otherPin = PinnedCaTrust.spkiHash(ca);
        otherPin[0] ^= 1;
        PinnedCaTrust trust = new PinnedCaTrust(otherPin);
        CertificateException e = assertThrows(PinnedCaTrust.PinMismatch.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {server, ca}, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().contains("pinned by the token"), e.getMessage());
        assertTrue(trust.pinnedCa().isEmpty());
    }

    @Test
    void aServerCertificateThatThePinnedCaDidNotSignIsRefused() {
        KeyPair impostorKeys = KioskKeys.newKeyPair(random);
        X509Certificate forged = certificate("CN=localhost", serverKeys, impostorKeys, false);
        PinnedCaTrust trust = new PinnedCaTrust(PinnedCaTrust.spkiHash(ca));
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {forged, ca}, "ECDHE_ECDSA"),
                "presenting the real CA's certificate next to a forged leaf does not help");
    }

    @Test
    void theLeafItselfCannotBeThePinEvenWithTheSameKey() {
        PinnedCaTrust trust = new PinnedCaTrust(PinnedCaTrust.spkiHash(server));
        assertThrows(PinnedCaTrust.PinMismatch.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {server, ca}, "ECDHE_ECDSA"),
                "only a CA certificate can be the pinned anchor");
    }
}

package org.telekiosk.agent.uplink;

import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests: a CA, a broker certificate it signed for {@code localhost} only (no IP address, so
 * that connecting to 127.0.0.1 fails hostname verification), and an unrelated CA. Keys are EC P-256 from the
 * JDK's providers; Bouncy Castle only builds the certificates (no provider is registered globally).
 */
record TestPki(Path caPem, Path otherCaPem, Path brokerKeystore) {
    /** Password of the JKS key store and of the key in it. */
    static final String KEYSTORE_PASSWORD = "test-keystore-password";

    static TestPki create(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = keys();
        X509Certificate ca = ca("CN=Telekiosk Test CA", caKeys);
        X509Certificate otherCa = ca("CN=Some Other CA", keys());
        KeyPair brokerKeys = keys();
        X509Certificate broker = broker(ca, caKeys, brokerKeys.getPublic());

        TestPki pki = new TestPki(dir.resolve("ca.pem"), dir.resolve("other-ca.pem"), dir.resolve("broker.jks"));
        writePem(pki.caPem(), ca);
        writePem(pki.otherCaPem(), otherCa);
        KeyStore keyStore = KeyStore.getInstance("JKS");
        keyStore.load(null, null);
        keyStore.setKeyEntry("broker", brokerKeys.getPrivate(), KEYSTORE_PASSWORD.toCharArray(),
                new Certificate[] {broker, ca});
        try (OutputStream out = Files.newOutputStream(pki.brokerKeystore())) {
            keyStore.store(out, KEYSTORE_PASSWORD.toCharArray());
        }
        return pki;
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate ca(String name, KeyPair keys) throws Exception {
        X509v3CertificateBuilder builder = builder(new X500Name(name), new X500Name(name), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(builder, keys);
    }

    private static X509Certificate broker(X509Certificate ca, KeyPair caKeys, PublicKey key) throws Exception {
        X509v3CertificateBuilder builder =
                builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new X500Name("CN=localhost"),
                        key);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        return sign(builder, caKeys);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, key);
        try {
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static void writePem(Path file, X509Certificate certificate) throws Exception {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(certificate);
        }
    }
}

package org.telekiosk.broker.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.security.cert.X509CRL;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes ECDSA P-256 keys and X.509 v3 certificates (RFC 5280) with Bouncy Castle. Validity starts one minute before
 * {@code now} to tolerate small clock differences between hosts.
 */
public final class Certificates {
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    private final SecureRandom random;
    private final java.util.Optional<String> crlUrl;

    public Certificates(SecureRandom random) {
        this(random, java.util.Optional.empty());
    }

    private Certificates(SecureRandom random, java.util.Optional<String> crlUrl) {
        this.random = random;
        this.crlUrl = crlUrl;
    }

    /**
     * These certificates, with a CRL distribution point (RFC 5280 §4.2.1.13) naming {@code crlUrl} in every
     * end-entity certificate (clients and servers; not in CA certificates, whose issuer's CRL is not served).
     */
    public Certificates withCrlDistributionPoint(String crlUrl) {
        return new Certificates(random, java.util.Optional.of(crlUrl));
    }

    /** Adds the CRL distribution point, if there is one. */
    private X509v3CertificateBuilder distributionPoint(X509v3CertificateBuilder builder) throws CertIOException {
        if (crlUrl.isPresent()) {
            GeneralNames where = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                    crlUrl.get()));
            builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(where), null, null)}));
        }
        return builder;
    }

    /** A new P-256 key pair, made here and never sent anywhere. */
    public KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 key generator", e);
        }
    }

    /** A self-signed root CA certificate that may sign CA certificates directly below it (pathLen 1). */
    public X509Certificate selfSignedCa(KeyPair ca, String commonName, Instant now, Duration lifetime) {
        X500Name name = new X500Name("CN=" + commonName + ",O=Telekiosk");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, ca.getPublic(), now, lifetime)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
            return sign(builder, ca.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make the CA certificate", e);
        }
    }

    /** An issuing CA certificate signed by the root: it signs end-entity certificates and CRLs only (pathLen 0). */
    public X509Certificate issuingCa(PrivateKey rootKey, X509Certificate root, PublicKey subject, String commonName,
            Instant now, Duration lifetime) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + commonName + ",O=Telekiosk"), subject, now, lifetime)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            return sign(builder, rootKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make the issuing CA certificate", e);
        }
    }

    /**
     * A TLS client certificate (RFC 5280; extended key usage clientAuth) with subject {@code CN=<commonName>,
     * O=Telekiosk}, signed by the issuing CA: a kiosk's certificate or the broker's service identity.
     */
    public X509Certificate clientCertificate(PrivateKey caKey, X509Certificate caCert, PublicKey subject,
            String commonName, Instant now, Duration lifetime) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + commonName + ",O=Telekiosk"), subject, now, lifetime)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return sign(distributionPoint(builder), caKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make a client certificate", e);
        }
    }

    /** A certificate revocation list (RFC 5280 §5) of {@code revoked} serials, signed by the issuing CA. */
    public X509CRL crl(PrivateKey caKey, X509Certificate caCert, Map<BigInteger, Instant> revoked, long number,
            Instant now, Duration validity) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(validity)));
            revoked.forEach((serial, at) -> builder.addCRLEntry(serial, Date.from(at), CRLReason.privilegeWithdrawn));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(caKey)));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the CRL", e);
        }
    }

    /** A TLS server certificate for {@code hostNames} (DNS names or IP literals), signed by the CA. */
    public X509Certificate serverCertificate(PrivateKey caKey, X509Certificate caCert, PublicKey subject,
            List<String> hostNames, Instant now, Duration lifetime) {
        if (hostNames.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name");
        }
        GeneralName[] names = hostNames.stream().map(Certificates::generalName).toArray(GeneralName[]::new);
        X500Name subjectName = new X500Name("CN=" + hostNames.getFirst() + ",O=Telekiosk");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), subjectName, subject, now,
                    lifetime)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subject))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return sign(distributionPoint(builder), caKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot make the server certificate", e);
        }
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant now,
            Duration lifetime) {
        // A positive 127-bit serial: unpredictable, and within RFC 5280's 20 octets.
        BigInteger serial = new BigInteger(127, random).setBit(0);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(lifetime)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no ECDSA signer", e);
        }
    }

    private static GeneralName generalName(String host) {
        if (isIpLiteral(host)) {
            return new GeneralName(GeneralName.iPAddress, host);
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+") || !host.matches(".*[.:].*")) {
            return false;
        }
        try {
            // Only literals reach this point, so no name lookup happens.
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

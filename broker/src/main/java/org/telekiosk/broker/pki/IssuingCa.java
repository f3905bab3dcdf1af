package org.telekiosk.broker.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The issuing CA's signing operations. Signing is CPU work of a few hundred microseconds: callers on an event loop
 * hand it to another executor. The key never leaves this object.
 */
public final class IssuingCa {
    private final Certificates certs;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate root;

    IssuingCa(Certificates certs, PrivateKey key, X509Certificate certificate, X509Certificate root) {
        this.certs = certs;
        this.key = key;
        this.certificate = certificate;
        this.root = root;
    }

    /** A client certificate {@code CN=<commonName>} for {@code subject}, valid from {@code now} for {@code lifetime}. */
    public X509Certificate issueClient(PublicKey subject, String commonName, Instant now, Duration lifetime) {
        return certs.clientCertificate(key, certificate, subject, commonName, now, lifetime);
    }

    /** A TLS server certificate for {@code hostNames} (for an external MQTT broker such as Mosquitto). */
    public X509Certificate issueServer(PublicKey subject, List<String> hostNames, Instant now, Duration lifetime) {
        return certs.serverCertificate(key, certificate, subject, hostNames, now, lifetime);
    }

    /** A new P-256 key pair for an identity this broker makes itself. */
    public java.security.KeyPair newKeyPair() {
        return certs.newKeyPair();
    }

    /** A CRL listing {@code revoked} (serial to revocation time), valid from {@code now} for {@code validity}. */
    public X509CRL crl(Map<BigInteger, Instant> revoked, long number, Instant now, Duration validity) {
        return certs.crl(key, certificate, revoked, number, now, validity);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The issuing CA's certificate, then the root's. */
    public List<X509Certificate> chain() {
        return List.of(certificate, root);
    }

    public X509Certificate root() {
        return root;
    }
}

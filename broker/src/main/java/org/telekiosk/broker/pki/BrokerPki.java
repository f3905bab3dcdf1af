package org.telekiosk.broker.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's own certificate authority and its TLS server identity, kept in one directory:
 * <ul>
 *   <li>{@code ca.p12} — the CA's key and certificate (PKCS#12, 0600);</li>
 *   <li>{@code ca.pem} — the CA certificate, public: kiosks and browsers trust it;</li>
 *   <li>{@code server.p12} — the server key and its chain (PKCS#12, 0600), used by HTTPS and by MQTT over TLS.</li>
 * </ul>
 * Made on first start, reused afterwards. The server certificate is issued again when it no longer covers the
 * configured host names, when it is not from this CA, or when less than a third of its lifetime is left.
 */
public final class BrokerPki {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPki.class);
    private static final String CA_ALIAS = "telekiosk-ca";
    private static final String SERVER_ALIAS = "telekiosk-server";
    static final Duration CA_LIFETIME = Duration.ofDays(3650);
    static final Duration SERVER_LIFETIME = Duration.ofDays(397);

    private final Path dir;
    private final X509Certificate caCertificate;
    private final PrivateKey serverKey;
    private final List<X509Certificate> serverChain;

    private BrokerPki(Path dir, X509Certificate ca, PrivateKey serverKey, List<X509Certificate> serverChain) {
        this.dir = dir;
        this.caCertificate = ca;
        this.serverKey = serverKey;
        this.serverChain = serverChain;
    }

    /** Loads the CA and server identity from {@code dir}, making what is missing or stale. Blocking: run at start. */
    public static BrokerPki open(Path dir, KeystorePassword password, List<String> hostNames, Certificates certs,
            Clock clock) throws IOException, GeneralSecurityException {
        SecureFiles.ownerOnlyDirectory(dir);
        Instant now = clock.instant();
        Path caFile = dir.resolve("ca.p12");
        KeyStore.PrivateKeyEntry ca;
        if (Files.exists(caFile)) {
            ca = load(caFile, CA_ALIAS, password);
        } else {
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.selfSignedCa(pair, "Telekiosk CA", now, CA_LIFETIME);
            ca = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert});
            store(caFile, CA_ALIAS, ca, password);
            LOG.info("Created the Telekiosk CA in {}", caFile);
        }
        X509Certificate caCert = (X509Certificate) ca.getCertificate();
        SecureFiles.writePublic(dir.resolve("ca.pem"), Pem.encode(List.of(caCert)));

        Path serverFile = dir.resolve("server.p12");
        KeyStore.PrivateKeyEntry server = Files.exists(serverFile) ? load(serverFile, SERVER_ALIAS, password) : null;
        if (server == null || !current(server, caCert, hostNames, now)) {
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.serverCertificate(ca.getPrivateKey(), caCert, pair.getPublic(), hostNames,
                    now, SERVER_LIFETIME);
            server = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert, caCert});
            store(serverFile, SERVER_ALIAS, server, password);
            LOG.info("Issued a server certificate for {} valid until {}", hostNames, cert.getNotAfter().toInstant());
        }
        List<X509Certificate> chain = java.util.Arrays.stream(server.getCertificateChain())
                .map(X509Certificate.class::cast).toList();
        return new BrokerPki(dir, caCert, server.getPrivateKey(), chain);
    }

    private static boolean current(KeyStore.PrivateKeyEntry server, X509Certificate ca, List<String> hostNames,
            Instant now) throws CertificateParsingException {
        X509Certificate cert = (X509Certificate) server.getCertificate();
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException notFromThisCa) {
            return false;
        }
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration lifetime = Duration.between(notBefore, notAfter);
        if (now.isBefore(notBefore) || now.isAfter(notAfter.minus(lifetime.dividedBy(3)))) {
            return false;
        }
        Set<String> covered = new HashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                covered.add(String.valueOf(san.get(1)).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return hostNames.stream().allMatch(h -> covered.contains(h.toLowerCase(java.util.Locale.ROOT))
                || covered.contains(normaliseIp(h)));
    }

    private static String normaliseIp(String host) {
        return Certificates.isIpLiteral(host) ? java.net.InetAddress.ofLiteral(host).getHostAddress() : host;
    }

    private static KeyStore.PrivateKeyEntry load(Path file, String alias, KeystorePassword password)
            throws IOException, GeneralSecurityException {
        SecureFiles.requireOwnerOnly(file);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = password.chars();
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, pw);
            if (!(ks.getEntry(alias, new KeyStore.PasswordProtection(pw)) instanceof KeyStore.PrivateKeyEntry e)) {
                throw new GeneralSecurityException(file + " has no key entry '" + alias + "'");
            }
            return e;
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
    }

    private static void store(Path file, String alias, KeyStore.PrivateKeyEntry entry, KeystorePassword password)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = password.chars();
        try {
            ks.setEntry(alias, entry, new KeyStore.PasswordProtection(pw));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, pw);
            SecureFiles.writeSecret(file, out.toByteArray());
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The CA certificate as PEM, for kiosks and browsers to trust. */
    public Path caPemFile() {
        return dir.resolve("ca.pem");
    }

    public PrivateKey serverKey() {
        return serverKey;
    }

    /** The server certificate followed by the CA certificate. */
    public List<X509Certificate> serverChain() {
        return serverChain;
    }

    /** The PKCS#12 file with the server identity, protected by the key store password. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }
}

package org.telekiosk.broker.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's two-level certificate authority and its own identities, kept in one directory (0700):
 * <ul>
 *   <li>{@code root-ca.p12}: the root CA's key and certificate (ECDSA P-256, 20 years; PKCS#12, 0600). It signs
 *       only the issuing CA.</li>
 *   <li>{@code ca.pem}: the root CA certificate, public. Kiosks pin its public key (enrollment token) and trust
 *       it afterwards; browsers may trust it.</li>
 *   <li>{@code issuing-ca.p12}: the issuing CA (5 years, renewed with a third left): signs the server certificate,
 *       the service identity, kiosk certificates and the CRL.</li>
 *   <li>{@code server.p12}: the TLS server identity for the configured host names (397 days), chain up to the
 *       root, used by HTTPS and by the embedded MQTT broker.</li>
 *   <li>{@code service.p12}: the client certificate of the broker's own MQTT client ({@value #SERVICE_NAME}).</li>
 *   <li>{@code truststore.p12}: the root CA certificate alone, for the MQTT listener's client authentication.</li>
 * </ul>
 * The root CA's key may be kept offline: without {@code root-ca.p12}, but with {@code ca.pem} and a current
 * {@code issuing-ca.p12}, the broker runs on the issuing CA alone and refuses to start once that needs renewing.
 * Every key store is protected by the key store password; the broker refuses to start if one of them, or the
 * password file, is readable by others. What is missing or stale is made at start: an identity is issued again when
 * it is not from the current issuing CA, when less than a third of its lifetime is left, or (server) when it no
 * longer covers the host names.
 *
 * <p>A data directory of the single-CA layout of the first releases ({@code ca.p12} signed the server certificate directly) is
 * moved aside into {@code legacy-single-ca-<epoch second>/} and a new two-level CA is made: nothing the old CA signed
 * stays trusted, and kiosks enroll again with a token (they had passwords, not certificates, so nothing of theirs
 * was signed by it).
 */
public final class BrokerPki {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPki.class);
    /** The common name of the broker's service identity; not a valid kiosk id, so no kiosk can be issued it. */
    public static final String SERVICE_NAME = "telekiosk-broker$node";
    static final Duration ROOT_LIFETIME = Duration.ofDays(7305);
    static final Duration ISSUING_LIFETIME = Duration.ofDays(1826);
    static final Duration SERVER_LIFETIME = Duration.ofDays(397);
    private static final String ROOT_ALIAS = "telekiosk-root-ca";
    private static final String ISSUING_ALIAS = "telekiosk-issuing-ca";
    private static final String SERVER_ALIAS = "telekiosk-server";
    private static final String SERVICE_ALIAS = "telekiosk-service";

    private final Path dir;
    private final X509Certificate root;
    private final IssuingCa issuing;
    private final KeyStore.PrivateKeyEntry server;
    private final KeyStore.PrivateKeyEntry service;

    private BrokerPki(Path dir, X509Certificate root, IssuingCa issuing, KeyStore.PrivateKeyEntry server,
            KeyStore.PrivateKeyEntry service) {
        this.dir = dir;
        this.root = root;
        this.issuing = issuing;
        this.server = server;
        this.service = service;
    }

    /** Loads the CA and the broker's identities from {@code dir}, making what is missing or stale. Blocking. */
    public static BrokerPki open(Path dir, KeystorePassword password, List<String> hostNames, Certificates certs,
            Clock clock) throws IOException, GeneralSecurityException {
        SecureFiles.ownerOnlyDirectory(dir);
        Instant now = clock.instant();
        moveLegacyLayoutAside(dir, now);

        Path rootFile = dir.resolve("root-ca.p12");
        Path issuingFile = dir.resolve("issuing-ca.p12");
        KeyStore.PrivateKeyEntry root;
        if (!Files.exists(rootFile) && Files.exists(dir.resolve("ca.pem")) && Files.exists(issuingFile)) {
            // The root CA's key is kept offline: run on the issuing CA alone while it is current.
            root = null;
        } else if (Files.exists(rootFile)) {
            root = load(rootFile, ROOT_ALIAS, password);
        } else {
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.selfSignedCa(pair, "Telekiosk Root CA", now, ROOT_LIFETIME);
            root = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert});
            store(rootFile, ROOT_ALIAS, root, password);
            LOG.info("Created the Telekiosk root CA in {}", rootFile);
        }
        X509Certificate rootCert = root != null ? (X509Certificate) root.getCertificate() : readPem(dir.resolve("ca.pem"));
        SecureFiles.writePublic(dir.resolve("ca.pem"), Pem.encode(List.of(rootCert)));
        writeTrustStore(dir.resolve("truststore.p12"), rootCert, password);

        KeyStore.PrivateKeyEntry issuing = Files.exists(issuingFile) ? load(issuingFile, ISSUING_ALIAS, password) : null;
        if (issuing == null || !current((X509Certificate) issuing.getCertificate(), rootCert, now)) {
            if (root == null) {
                throw new IOException("the issuing CA in " + issuingFile + " must be renewed (less than a third of its "
                        + "lifetime left, or not from the root in ca.pem) and the root CA's key is offline: put "
                        + "root-ca.p12 back into " + dir + " for one start, then take it offline again "
                        + "(docs/security.md)");
            }
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.issuingCa(root.getPrivateKey(), rootCert, pair.getPublic(),
                    "Telekiosk Issuing CA", now, ISSUING_LIFETIME);
            issuing = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert, rootCert});
            store(issuingFile, ISSUING_ALIAS, issuing, password);
            LOG.info("Created an issuing CA valid until {}", cert.getNotAfter().toInstant());
        }
        X509Certificate issuingCert = (X509Certificate) issuing.getCertificate();
        IssuingCa ca = new IssuingCa(certs, issuing.getPrivateKey(), issuingCert, rootCert);

        Path serverFile = dir.resolve("server.p12");
        KeyStore.PrivateKeyEntry server = Files.exists(serverFile) ? load(serverFile, SERVER_ALIAS, password) : null;
        if (server == null || !current((X509Certificate) server.getCertificate(), issuingCert, now)
                || !covers((X509Certificate) server.getCertificate(), hostNames)) {
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.serverCertificate(issuing.getPrivateKey(), issuingCert, pair.getPublic(),
                    hostNames, now, SERVER_LIFETIME);
            server = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert, issuingCert, rootCert});
            store(serverFile, SERVER_ALIAS, server, password);
            LOG.info("Issued a server certificate for {} valid until {}", hostNames, cert.getNotAfter().toInstant());
        }

        Path serviceFile = dir.resolve("service.p12");
        KeyStore.PrivateKeyEntry service = Files.exists(serviceFile) ? load(serviceFile, SERVICE_ALIAS, password) : null;
        if (service == null || !current((X509Certificate) service.getCertificate(), issuingCert, now)) {
            KeyPair pair = certs.newKeyPair();
            X509Certificate cert = certs.clientCertificate(issuing.getPrivateKey(), issuingCert, pair.getPublic(),
                    SERVICE_NAME, now, SERVER_LIFETIME);
            service = new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert, issuingCert, rootCert});
            store(serviceFile, SERVICE_ALIAS, service, password);
            LOG.info("Issued the broker's MQTT service certificate valid until {}", cert.getNotAfter().toInstant());
        }
        return new BrokerPki(dir, rootCert, ca, server, service);
    }

    /** Whether {@code dir} holds a CA of the two-level layout. */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve("root-ca.p12"));
    }

    private static void moveLegacyLayoutAside(Path dir, Instant now) throws IOException {
        Path legacyCa = dir.resolve("ca.p12");
        if (!Files.exists(legacyCa) || Files.exists(dir.resolve("root-ca.p12"))) {
            return;
        }
        Path aside = SecureFiles.ownerOnlyDirectory(dir.resolve("legacy-single-ca-" + now.getEpochSecond()));
        for (String name : List.of("ca.p12", "ca.pem", "server.p12")) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                Files.move(file, aside.resolve(name));
            }
        }
        LOG.warn("Found the single-CA layout of an earlier version in {}; moved it to {} and made a new root and "
                + "issuing CA. Browsers that trusted the old ca.pem must trust the new one; kiosks enroll again "
                + "with a token (docs/provisioning.md).", dir, aside);
    }

    private static X509Certificate readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static boolean current(X509Certificate cert, X509Certificate issuer, Instant now) {
        try {
            cert.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException notFromThisCa) {
            return false;
        }
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration lifetime = Duration.between(notBefore, notAfter);
        return !now.isBefore(notBefore) && !now.isAfter(notAfter.minus(lifetime.dividedBy(3)));
    }

    private static boolean covers(X509Certificate cert, List<String> hostNames) throws CertificateParsingException {
        Set<String> covered = new HashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                covered.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
            }
        }
        return hostNames.stream().allMatch(h -> covered.contains(h.toLowerCase(Locale.ROOT))
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
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IOException("cannot open " + file + ": wrong key store password (" + KeystorePassword.ENV
                        + " or pki/keystore.password)", e);
            }
            throw e;
        } finally {
            Arrays.fill(pw, '\0');
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
            Arrays.fill(pw, '\0');
        }
    }

    private static void writeTrustStore(Path file, X509Certificate root, KeystorePassword password)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry(ROOT_ALIAS, root);
        char[] pw = password.chars();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, pw);
            SecureFiles.writeSecret(file, out.toByteArray());
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    /** The root CA certificate: the one trust anchor of kiosks, the MQTT listener and browsers. */
    public X509Certificate caCertificate() {
        return root;
    }

    /** The root CA certificate as PEM, for kiosks and browsers to trust. */
    public Path caPemFile() {
        return dir.resolve("ca.pem");
    }

    /** The issuing CA: signs kiosk certificates and the CRL. */
    public IssuingCa issuing() {
        return issuing;
    }

    public PrivateKey serverKey() {
        return server.getPrivateKey();
    }

    /** The server certificate, the issuing CA and the root, in that order. */
    public List<X509Certificate> serverChain() {
        return chain(server);
    }

    /** The PKCS#12 file with the server identity, protected by the key store password. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    /** The broker's own MQTT client identity: key and chain (service certificate, issuing CA, root). */
    public KeyStore.PrivateKeyEntry serviceIdentity() {
        return service;
    }

    /** The PKCS#12 trust store with the root CA alone, protected by the key store password. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** Where the current CRL (PEM) is published for external MQTT brokers. */
    public Path crlFile() {
        return dir.resolve("crl.pem");
    }

    private static List<X509Certificate> chain(KeyStore.PrivateKeyEntry entry) {
        return Arrays.stream(entry.getCertificateChain()).map(X509Certificate.class::cast).toList();
    }
}

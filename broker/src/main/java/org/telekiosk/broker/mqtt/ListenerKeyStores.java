package org.telekiosk.broker.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.telekiosk.broker.pki.IssuingCa;
import org.telekiosk.broker.pki.SecureFiles;

/**
 * The embedded MQTT listener's own key material, made at every start: a fresh P-256 key with a server certificate from
 * the issuing CA for the broker's host names, and a trust store with the root CA certificate alone, both PKCS#12
 * under a random password that exists only in this process and in HiveMQ's generated {@code config.xml} (0600).
 *
 * <p>HiveMQ reads its key stores from files named in its configuration, so the password must be written there. This
 * password opens nothing but these two files: not the root CA, the issuing CA, the HTTPS server key or the broker's
 * service identity (those stay under {@code TELEKIOSK_KEYSTORE_PASSWORD}, which no generated file contains).
 */
record ListenerKeyStores(Path keyStore, Path trustStore, String password) {
    /** The listener certificate lives as long as one broker run needs it, with a generous margin. */
    static final Duration LIFETIME = Duration.ofDays(397);
    private static final String KEY_ALIAS = "telekiosk-mqtt-listener";
    private static final String ROOT_ALIAS = "telekiosk-root-ca";

    /** Writes both key stores into {@code dir} (0600). Blocking: key generation, signing, disk. */
    static ListenerKeyStores write(Path dir, IssuingCa ca, List<String> hostNames, Instant now, SecureRandom random)
            throws IOException, GeneralSecurityException {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        char[] pw = password.toCharArray();

        KeyPair keys = ca.newKeyPair();
        X509Certificate cert = ca.issueServer(keys.getPublic(), hostNames, now, LIFETIME);
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setEntry(KEY_ALIAS, new KeyStore.PrivateKeyEntry(keys.getPrivate(),
                new Certificate[] {cert, ca.certificate(), ca.root()}), new KeyStore.PasswordProtection(pw));
        Path keyStore = dir.resolve("mqtt-listener.p12");
        SecureFiles.writeSecret(keyStore, bytes(identity, pw));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(ROOT_ALIAS, ca.root());
        Path trustStore = dir.resolve("mqtt-truststore.p12");
        SecureFiles.writeSecret(trustStore, bytes(trust, pw));
        return new ListenerKeyStores(keyStore, trustStore, password);
    }

    private static byte[] bytes(KeyStore store, char[] password) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password);
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "ListenerKeyStores[" + keyStore + ", " + trustStore + ", password redacted]";
    }
}

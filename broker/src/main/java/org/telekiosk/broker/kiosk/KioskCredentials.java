package org.telekiosk.broker.kiosk;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.protocol.KioskId;

/**
 * The MQTT secrets of the kiosks this broker knows. A secret is 256 random bits, shown once when it is issued and
 * stored only as its SHA-256 (a slow hash adds nothing for a secret that cannot be guessed). Kept in one
 * properties file with permissions 0600. Checks run in constant time.
 *
 * <p>This is the walking skeleton's kiosk identity: enrollment with per-kiosk certificates and mutual TLS replaces
 * it (issue 4).
 */
public final class KioskCredentials {
    private final Path file;
    private final SecureRandom random;
    private final Map<KioskId, byte[]> hashes = new ConcurrentHashMap<>();

    private KioskCredentials(Path file, SecureRandom random) {
        this.file = file;
        this.random = random;
    }

    /** Loads the credentials file, or starts empty if there is none. Blocking. */
    public static KioskCredentials open(Path file, SecureRandom random) throws IOException {
        KioskCredentials credentials = new KioskCredentials(file, random);
        if (Files.exists(file)) {
            SecureFiles.requireOwnerOnly(file);
            Properties props = new Properties();
            props.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            for (String key : props.stringPropertyNames()) {
                credentials.hashes.put(KioskId.of(key), HexFormat.of().parseHex(props.getProperty(key)));
            }
        }
        return credentials;
    }

    /** Issues a new secret for {@code kiosk}, replacing any earlier one, and persists its hash. Blocking. */
    public synchronized String issue(KioskId kiosk) throws IOException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        hashes.put(kiosk, sha256(secret.getBytes(StandardCharsets.US_ASCII)));
        persist();
        return secret;
    }

    /** Whether {@code password} is the current secret of {@code kiosk}. Never blocks. */
    public boolean verify(KioskId kiosk, byte[] password) {
        byte[] expected = hashes.get(kiosk);
        byte[] actual = sha256(password);
        // Compare against a dummy for unknown kiosks as well, so timing does not tell which kiosks exist.
        return MessageDigest.isEqual(expected != null ? expected : new byte[actual.length], actual)
                && expected != null;
    }

    /** Whether a secret has been issued for {@code kiosk}. */
    public boolean isKnown(KioskId kiosk) {
        return hashes.containsKey(kiosk);
    }

    private void persist() throws IOException {
        StringWriter out = new StringWriter();
        out.write("# Kiosk MQTT credentials: kiosk id = SHA-256 of its secret. Written by the broker; keep 0600.\n");
        Map<String, String> sorted = new TreeMap<>();
        hashes.forEach((kiosk, hash) -> sorted.put(kiosk.value(), HexFormat.of().formatHex(hash)));
        sorted.forEach((kiosk, hash) -> out.write(kiosk + "=" + hash + "\n"));
        SecureFiles.writeSecret(file, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}

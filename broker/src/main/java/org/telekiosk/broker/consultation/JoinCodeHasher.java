package org.telekiosk.broker.consultation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.telekiosk.broker.account.SecretHash;

/**
 * Stores join codes as HMAC-SHA256 (RFC 2104) under a server-side key. A plain SHA-256 would not do: with only ~45
 * bits of entropy, a leaked code table could be searched exhaustively in hours; without the key, which lives outside
 * the database (the composition root keeps it with the other secrets, 0600), it cannot be searched at all.
 */
public final class JoinCodeHasher {
    private final byte[] key;

    /** @param key at least 32 bytes of secret randomness */
    public JoinCodeHasher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new IllegalArgumentException("join code key must be at least 32 bytes, was " + key.length);
        }
        this.key = Arrays.copyOf(key, key.length);
    }

    /** A hasher with a fresh random key: codes do not survive a restart (tests, and the in-memory default). */
    public static JoinCodeHasher withRandomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new JoinCodeHasher(key);
    }

    public SecretHash hash(JoinCode code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return SecretHash.of(mac.doFinal(code.canonical().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "JoinCodeHasher(key redacted)";
    }
}

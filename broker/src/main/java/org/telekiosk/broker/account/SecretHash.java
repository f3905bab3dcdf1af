package org.telekiosk.broker.account;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The stored form of a bearer secret: 32 bytes as lower-case hex. For a 256-bit random token a plain SHA-256 is
 * enough (a slow hash adds nothing against a secret that cannot be guessed), and it lets a store look the token up
 * by its hash without ever holding the token (OWASP Session Management Cheat Sheet).
 */
public record SecretHash(String hex) {
    private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{64}");

    public SecretHash {
        Objects.requireNonNull(hex, "hex");
        if (!SHAPE.matcher(hex).matches()) {
            throw new IllegalArgumentException("a secret hash is 64 lower-case hex digits");
        }
    }

    public static SecretHash of(byte[] digest) {
        return new SecretHash(HexFormat.of().formatHex(digest));
    }

    public static SecretHash sha256(byte[] secret) {
        try {
            return of(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}

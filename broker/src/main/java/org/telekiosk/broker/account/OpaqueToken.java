package org.telekiosk.broker.account;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bearer token with no meaning of its own: 256 random bits as 43 characters of unpadded base64url (RFC 4648 §5).
 * Used for session tokens and resume tokens. Only its {@link #hash()} is stored; the token itself is shown once to
 * its holder and never prints itself.
 */
public final class OpaqueToken {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String value;

    private OpaqueToken(String value) {
        this.value = value;
    }

    public static OpaqueToken generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new OpaqueToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The token in {@code text}, or empty if {@code text} does not have a token's shape. */
    public static Optional<OpaqueToken> parse(String text) {
        Objects.requireNonNull(text, "text");
        return SHAPE.matcher(text).matches() ? Optional.of(new OpaqueToken(text)) : Optional.empty();
    }

    /** The token itself, to be handed to its holder (a cookie, a WebSocket message); never logged. */
    public String value() {
        return value;
    }

    public SecretHash hash() {
        return SecretHash.sha256(value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "OpaqueToken(redacted)";
    }
}

package org.telekiosk.protocol.enrollment;

import java.time.Instant;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * Answer of {@code POST /api/v1/kiosk-page-tokens} (JSON, empty request body), which a kiosk asks over mutual TLS
 * with its current certificate: a one-time token that opens one kiosk page session for this kiosk, to be put into
 * the fragment of the kiosk page's URL, {@code https://<broker>/kiosk.html#kiosk-token=<token>} ({@code path} is
 * that URL without scheme and authority). Redeemed at most once, before {@code expiresAt} (about five minutes). A
 * secret: never logged.
 *
 * @param kiosk     the kiosk the certificate names
 * @param token     the token (base64url)
 * @param expiresAt when the token stops working if not redeemed
 * @param path      {@code /kiosk.html#kiosk-token=<token>}
 */
public record KioskPageToken(String kiosk, String token, Instant expiresAt, String path) {
    public KioskPageToken {
        KioskId.of(Objects.requireNonNull(kiosk, "kiosk"));
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(path, "path");
        if (token.isEmpty() || token.length() > 256 || !token.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("token must be 1-256 base64url characters");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /");
        }
    }

    /** The page's path with {@code token} in its fragment. */
    public static String pathFor(String token) {
        return "/kiosk.html#kiosk-token=" + token;
    }

    @Override
    public String toString() {
        return "KioskPageToken[kiosk=" + kiosk + ", token=(redacted), expiresAt=" + expiresAt + "]";
    }
}

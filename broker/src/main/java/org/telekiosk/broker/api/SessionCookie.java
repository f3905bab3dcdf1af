package org.telekiosk.broker.api;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.Optional;

/**
 * The session cookie, {@value #NAME}: read from a {@code Cookie} header (RFC 6265 §4.2, Netty's strict decoder) by the
 * REST API and the signaling socket's handshake alike, and written by the login endpoints.
 */
public final class SessionCookie {
    /** The session cookie's name. */
    public static final String NAME = "tk_session";

    private SessionCookie() {}

    /** The value of the {@value #NAME} cookie in a {@code Cookie} header, if it holds a well-formed one. */
    public static Optional<String> value(String cookieHeader) {
        if (cookieHeader == null) {
            return Optional.empty();
        }
        for (Cookie cookie : ServerCookieDecoder.STRICT.decode(cookieHeader)) {
            if (NAME.equals(cookie.name())) {
                return Optional.of(cookie.value());
            }
        }
        return Optional.empty();
    }

    /** A {@code Set-Cookie} value: {@code value} for {@code maxAgeSeconds}, HTTPS only, not for scripts, same site. */
    static String set(String value, long maxAgeSeconds) {
        return NAME + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=/; HttpOnly; Secure; SameSite=Strict";
    }
}

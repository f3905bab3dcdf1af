package org.telekiosk.broker.api;

import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;

/**
 * One REST request as the transport hands it over: no Netty types, the body copied out. Header values are as
 * received (absent: empty); none of them is ever logged, since {@code Authorization} and {@code Cookie} carry tokens.
 *
 * @param method        the HTTP method, upper case
 * @param path          the path without query, e.g. {@code /api/v1/consultations}
 * @param origin        the {@code Origin} header (RFC 6454)
 * @param authorization the {@code Authorization} header
 * @param cookie        the {@code Cookie} header
 * @param contentType   the {@code Content-Type} header
 * @param body          the body bytes (possibly empty)
 * @param from          the client's address, for rate limits and the audit log
 */
public record ApiRequest(String method, String path, Optional<String> origin, Optional<String> authorization,
        Optional<String> cookie, Optional<String> contentType, byte[] body, ClientAddress from) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(from, "from");
    }

    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + path + " from " + from + "]";
    }
}

package org.telekiosk.broker.api;

import java.util.Objects;
import java.security.cert.X509Certificate;
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
 * @param query         the query string's parameters, decoded, each name with its values in order
 * @param peerCertificate the client certificate presented in the TLS handshake (a kiosk's), if any
 */
public record ApiRequest(String method, String path, Optional<String> origin, Optional<String> authorization,
        Optional<String> cookie, Optional<String> contentType, byte[] body, ClientAddress from,
        java.util.Map<String, java.util.List<String>> query, Optional<X509Certificate> peerCertificate,
        Optional<String> features) {
    /** A request without a {@code Telekiosk-Features} header. */
    public ApiRequest(String method, String path, Optional<String> origin, Optional<String> authorization,
            Optional<String> cookie, Optional<String> contentType, byte[] body, ClientAddress from,
            java.util.Map<String, java.util.List<String>> query, Optional<X509Certificate> peerCertificate) {
        this(method, path, origin, authorization, cookie, contentType, body, from, query, peerCertificate,
                Optional.empty());
    }

    /** A request without a client certificate. */
    public ApiRequest(String method, String path, Optional<String> origin, Optional<String> authorization,
            Optional<String> cookie, Optional<String> contentType, byte[] body, ClientAddress from,
            java.util.Map<String, java.util.List<String>> query) {
        this(method, path, origin, authorization, cookie, contentType, body, from, query, Optional.empty());
    }

    /** A request without a query string. */
    public ApiRequest(String method, String path, Optional<String> origin, Optional<String> authorization,
            Optional<String> cookie, Optional<String> contentType, byte[] body, ClientAddress from) {
        this(method, path, origin, authorization, cookie, contentType, body, from, java.util.Map.of());
    }

    public ApiRequest {
        query = java.util.Map.copyOf(Objects.requireNonNull(query, "query"));
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(peerCertificate, "peerCertificate");
    }

    /**
     * The single value of query parameter {@code name}, if given; a repeated one is a {@link ApiJson.BadRequest}.
     */
    public Optional<String> parameter(String name) {
        java.util.List<String> values = query.getOrDefault(name, java.util.List.of());
        if (values.size() > 1) {
            throw new ApiJson.BadRequest("query parameter '" + name + "' is given more than once");
        }
        return values.stream().findFirst();
    }

    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + path + " from " + from + "]";
    }
}

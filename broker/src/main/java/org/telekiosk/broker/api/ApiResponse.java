package org.telekiosk.broker.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A REST answer for the transport to write: status, content type, body and the extra headers this API sets
 * ({@code Set-Cookie}, {@code Retry-After}, {@code Location}, {@code Allow}, {@code WWW-Authenticate}). The transport
 * adds the security headers every response of the broker carries.
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json; charset=utf-8";
    public static final String PROBLEM = "application/problem+json";

    public ApiResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static ApiResponse noContent(Map<String, String> headers) {
        return new ApiResponse(204, JSON, new byte[0], headers);
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, more);
    }

    @Override
    public String toString() {
        return "ApiResponse[" + status + ", " + body.length + " bytes]";
    }
}

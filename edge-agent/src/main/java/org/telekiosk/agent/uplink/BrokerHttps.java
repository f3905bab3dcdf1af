package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One HTTPS request at a time to the broker (RFC 9110/9112), with the TLS context the caller gives (the kiosk's CA
 * file and, for mutual TLS, its certificate): certificate renewal and update checks, a few requests an hour. Built on
 * {@link HttpsURLConnection} rather than {@code java.net.http.HttpClient}: the running agent would keep the latter's
 * several hundred classes and their code for those few requests, 2.5 MiB of a kiosk's memory
 * (docs/benchmarks.md, "The agent's memory"). The host name is verified against the broker's certificate (the
 * connection's default verifier makes JSSE check it, RFC 6125); redirects are not followed; no connection is kept
 * open after the answer. Blocking.
 */
public final class BrokerHttps {
    /** What the broker answered; {@code body} holds at most the bytes the request allowed. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public Response {
            headers = Map.copyOf(headers);
        }

        /** A header's value by name, ignoring case (RFC 9110 §5.1). */
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst();
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SSLContext tls;
    private final Duration timeout;

    /**
     * @param timeout how long connecting may take, and each read of the answer (a stalled download fails after it,
     *                however long the whole download takes)
     */
    public BrokerHttps(SSLContext tls, Duration timeout) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A GET whose answer is read up to {@code maxBody} bytes. */
    public Response get(URI uri, long maxBody) throws IOException {
        return send("GET", uri, Map.of(), null, maxBody);
    }

    /** A POST of {@code body} with the given headers (at least its {@code Content-Type}). */
    public Response post(URI uri, Map<String, String> headers, byte[] body, long maxBody) throws IOException {
        return send("POST", uri, headers, Objects.requireNonNull(body, "body"), maxBody);
    }

    private Response send(String method, URI uri, Map<String, String> headers, byte[] body, long maxBody)
            throws IOException {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("not an https URL: " + uri);
        }
        HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection();
        try {
            connection.setSSLSocketFactory(tls.getSocketFactory());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setRequestMethod(method);
            // Nothing kept open between requests an hour apart (and no keep-alive thread for it).
            connection.setRequestProperty("Connection", "close");
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            Map<String, String> answered = new java.util.HashMap<>();
            connection.getHeaderFields().forEach((name, values) -> {
                if (name != null && !values.isEmpty()) {
                    answered.put(name, values.getFirst());
                }
            });
            InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            byte[] read;
            if (stream == null) {
                read = new byte[0];
            } else {
                try (InputStream in = stream) {
                    read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody));
                }
            }
            return new Response(status, answered, read);
        } finally {
            connection.disconnect();
        }
    }
}

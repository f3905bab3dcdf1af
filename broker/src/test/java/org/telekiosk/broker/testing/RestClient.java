package org.telekiosk.broker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A client of the broker's REST API for tests: HTTPS to a {@link BrokerExtension}'s broker, trusting only its CA,
 * HTTP/1.1 (the broker speaks nothing else). Bodies are JSON strings; replies are parsed when they are JSON.
 */
public final class RestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BrokerExtension broker;
    private final HttpClient http;

    public RestClient(BrokerExtension broker) {
        this.broker = broker;
        this.http = HttpClient.newBuilder().sslContext(broker.tls()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A reply: status, headers, and the body parsed as JSON (a missing node when empty). */
    public record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /** Sends {@code method path} with {@code body} (null: none) and the given headers. */
    public Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(broker.https(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Logs in and returns the session token; fails the test unless the login succeeds. */
    public String login(String login, String password) {
        Reply reply = send("POST", "/api/v1/session", "{\"login\":\"" + login + "\",\"password\":\"" + password
                + "\"}", Map.of());
        if (reply.status() != 200) {
            throw new AssertionError("login of " + login + " failed: " + reply.status() + " " + reply.json());
        }
        return reply.json().path("token").asText();
    }
}

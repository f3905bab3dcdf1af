package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * {@code /readyz} through a real broker: ready once it is subscribed and its store takes writes; 503 while another
 * process holds the SQLite store's write lock (a real way for a store to stop taking writes that a test running as
 * root can make: file modes do not stop root), ready again once the lock is released. {@code /healthz} stays 200
 * meanwhile (liveness).
 */
class ReadinessIntegrationTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(BROKER.tls()).build()) {
            return http.send(HttpRequest.newBuilder(BROKER.https(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void notReadyWhileTheStoreTakesNoWritesAndReadyAgainAfter() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);
        JsonNode ready = JSON.readTree(get("/readyz").body());
        assertEquals("ready", ready.path("status").asText());
        assertTrue(ready.path("subscribed").asBoolean() && ready.path("storeWritable").asBoolean(), ready.toString());

        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:"
                + BROKER.dataDir().resolve("store").resolve("telekiosk.db"));
                Statement statement = lock.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("BEGIN EXCLUSIVE");

            await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").statusCode() == 503);
            JsonNode notReady = JSON.readTree(get("/readyz").body());
            assertEquals("not-ready", notReady.path("status").asText());
            assertEquals(false, notReady.path("storeWritable").asBoolean());
            assertTrue(!notReady.path("storeProblem").asText().isEmpty(), notReady.toString());
            assertEquals(200, get("/healthz").statusCode(), "liveness is not readiness");

            statement.execute("ROLLBACK");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").statusCode() == 200);
    }
}

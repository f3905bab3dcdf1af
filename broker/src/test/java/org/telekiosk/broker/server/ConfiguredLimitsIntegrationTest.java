package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * The abuse limits that are configuration keys take effect in a real broker: each is set far below its default, and
 * what the default would allow is refused.
 */
class ConfiguredLimitsIntegrationTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(
            "https.max-connections-per-address", "3",
            "https.request-deadline", "PT2S",
            "https.max-pipelined-requests", "1",
            "login.lockout.free-failures", "1"));

    SSLSocket https() throws IOException {
        SSLSocket socket = (SSLSocket) BROKER.tls().getSocketFactory().createSocket("localhost",
                BROKER.broker().httpsPort());
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return socket;
    }

    /** A fresh connection, once the broker has counted the previous test's connections as closed. */
    SSLSocket freshHttps() {
        SSLSocket[] socket = new SSLSocket[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            socket[0] = https();
            return true;
        });
        return socket[0];
    }

    String host() {
        return "Host: localhost:" + BROKER.broker().httpsPort() + "\r\n";
    }

    @Test
    void aRequestNotCompleteWithinTheConfiguredDeadlineIsAnswered408() throws Exception {
        try (SSLSocket socket = freshHttps()) {
            String answer = HttpHardeningIntegrationTest.exchange(socket, "GET /healthz HTTP/1.1\r\n" + host());
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("within 2 seconds"), answer);
        }
    }

    @Test
    void pipeliningDeeperThanConfiguredClosesTheConnection() throws Exception {
        try (SSLSocket socket = freshHttps()) {
            String request = "GET /healthz HTTP/1.1\r\n" + host() + "\r\n";
            String answer = HttpHardeningIntegrationTest.exchange(socket, request.repeat(3));
            assertTrue(!answer.contains("<still open>"), answer);
            int answered = answer.split("HTTP/1.1 200 ", -1).length - 1;
            assertTrue(answered < 3, "one request waiting is allowed, the third closes: " + answer);
        }
    }

    @Test
    void aFailedLoginLocksAfterTheConfiguredNumberOfFailures() throws Exception {
        String body = "{\"login\":\"nobody.here\",\"password\":\"wrong password 123\"}";
        String login = "POST /api/v1/session HTTP/1.1\r\n" + host() + "Origin: " + BROKER.origin() + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body;
        try (SSLSocket socket = freshHttps()) {
            String first = HttpHardeningIntegrationTest.exchange(socket, login);
            assertTrue(first.startsWith("HTTP/1.1 401 "), first);
        }
        try (SSLSocket socket = freshHttps()) {
            String second = HttpHardeningIntegrationTest.exchange(socket, login);
            assertTrue(second.startsWith("HTTP/1.1 429 "), "locked after 1 failure (default 5): " + second);
            assertTrue(second.contains("Retry-After:"), second);
        }
    }

    @Test
    void connectionsPastTheConfiguredNumberPerAddressAreRefused() throws Exception {
        freshHttps().close();
        List<SSLSocket> open = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < 10; i++) {
                try {
                    open.add(https());
                } catch (IOException expected) {
                    refused++;
                }
            }
            assertTrue(open.size() <= 3, open.size() + " connections held from one address");
            assertEquals(10 - open.size(), refused);
        } finally {
            for (SSLSocket socket : open) {
                socket.close();
            }
        }
    }
}

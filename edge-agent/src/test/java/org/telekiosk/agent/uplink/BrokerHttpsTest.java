package org.telekiosk.agent.uplink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BrokerHttps} against the JDK's own HTTPS server with the test PKI's broker certificate (for localhost). */
class BrokerHttpsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestPki pki;
    private HttpsServer server;
    private final AtomicReference<String> received = new AtomicReference<>();

    @BeforeEach
    void startServer() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        KeyStore keys = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(pki.brokerKeystore())) {
            keys.load(in, TestPki.KEYSTORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, TestPki.KEYSTORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/offer", exchange -> answer(exchange, 200, "0123456789", "Retry-After", "60"));
        server.createContext("/refused", exchange -> answer(exchange, 403, "{\"title\":\"revoked\"}", null, null));
        server.createContext("/moved", exchange -> answer(exchange, 302, "", "Location", "/offer"));
        server.createContext("/report", exchange -> {
            received.set(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body, String header, String value)
            throws IOException {
        if (header != null) {
            exchange.getResponseHeaders().add(header, value);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private BrokerHttps https(Path caFile) throws IOException {
        return new BrokerHttps(CaTrust.context(caFile, null), TIMEOUT);
    }

    private URI at(String host, String path) {
        return URI.create("https://" + host + ":" + server.getAddress().getPort() + path);
    }

    @Test
    void aGetReturnsStatusHeadersAndBodyUpToTheLimitGiven() throws Exception {
        BrokerHttps.Response whole = https(pki.caPem()).get(at("localhost", "/offer"), 100);
        BrokerHttps.Response cut = https(pki.caPem()).get(at("localhost", "/offer"), 4);

        assertEquals(200, whole.status());
        assertEquals("0123456789", whole.text());
        assertEquals("60", whole.header("retry-after").orElseThrow(), "header names ignore case");
        assertArrayEquals("0123".getBytes(StandardCharsets.UTF_8), cut.body());
    }

    @Test
    void aPostSendsItsBodyAndHeaders() throws Exception {
        BrokerHttps.Response response = https(pki.caPem()).post(at("localhost", "/report"),
                Map.of("Content-Type", "application/json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 100);

        assertEquals(204, response.status());
        assertEquals(0, response.body().length);
        assertEquals("POST application/json {\"a\":1}", received.get());
    }

    @Test
    void aRefusalsBodyIsReadToo() throws Exception {
        BrokerHttps.Response response = https(pki.caPem()).get(at("localhost", "/refused"), 100);

        assertEquals(403, response.status());
        assertEquals("{\"title\":\"revoked\"}", response.text());
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        BrokerHttps.Response response = https(pki.caPem()).get(at("localhost", "/moved"), 100);

        assertEquals(302, response.status());
        assertEquals("/offer", response.header("Location").orElseThrow());
    }

    @Test
    void aBrokerCertificateForAnotherHostIsRejected() throws Exception {
        // The broker's certificate names localhost only, not 127.0.0.1.
        IOException refused = assertThrows(IOException.class,
                () -> https(pki.caPem()).get(at("127.0.0.1", "/offer"), 100));

        assertTrue(String.valueOf(refused.getMessage()).contains("127.0.0.1"), refused.toString());
    }

    @Test
    void aBrokerCertificateSignedByAnotherCaIsNotTrusted() {
        assertThrows(SSLHandshakeException.class, () -> https(pki.otherCaPem()).get(at("localhost", "/offer"), 100));
    }

    @Test
    void onlyHttpsIsSpoken() {
        IOException refused = assertThrows(IOException.class,
                () -> https(pki.caPem()).get(URI.create("http://localhost:1/offer"), 100));

        assertTrue(refused.getMessage().contains("not an https URL"), refused.getMessage());
    }
}

package org.telekiosk.packaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiosk-browser, the kiosk station's watchdog, with a real (headless) Chromium on a served kiosk page: it leaves a
 * browser that shows the page alone, and stops it and exits 1 (so that systemd restarts the station) when the page is
 * closed or the browser dies.
 */
class KioskBrowserWatchdogTest {
    private static final Path SCRIPT = Packages.source("edge-agent/files/usr/lib/telekiosk/kiosk-browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger pageLoads = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process station;
    private Path log;
    private int debugPort;

    @BeforeEach
    void aKioskPageAndTheStation() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Packages.installed("curl"), "chromium and curl (Debian)");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/kiosk.html", exchange -> {
            pageLoads.incrementAndGet();
            byte[] body = "<!doctype html><title>Kiosk</title><p>Kiosk".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (ServerSocket free = new ServerSocket(0)) {
            debugPort = free.getLocalPort();
        }
    }

    /** Starts the station on the served page; {@code expected} is the broker origin it watches for. */
    private void start(String expected, int grace) throws IOException {
        String origin = "http://127.0.0.1:" + server.getAddress().getPort();
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Files.writeString(runtime.resolve("page-url"), origin + "/kiosk.html#kiosk-token=one-time\n");
        Files.writeString(runtime.resolve("origin"), (expected == null ? origin : expected) + "\n");
        log = dir.resolve("station.log");
        ProcessBuilder builder = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of(
                "RUNTIME_DIRECTORY", runtime.toString(),
                "BROWSER", CHROMIUM.toString(),
                "EXTRA_FLAGS", "--headless --no-sandbox --disable-gpu --disable-background-networking"
                        + " --disable-component-update --disable-sync",
                "DEBUG_PORT", Integer.toString(debugPort),
                "PROFILE_DIR", dir.resolve("profile").toString(),
                "WATCHDOG_INTERVAL", "1",
                "WATCHDOG_FAILURES", "2",
                "STARTUP_GRACE", Integer.toString(grace)));
        station = builder.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(runtime.resolve("page-url")));
    }

    @AfterEach
    void stop() {
        if (station != null) {
            station.descendants().forEach(ProcessHandle::destroyForcibly);
            station.destroyForcibly();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aBrowserShowingTheKioskPageIsLeftAloneAndAClosedPageRestartsTheStation() throws Exception {
        start(null, 60);
        await().atMost(Duration.ofSeconds(60)).until(() -> kioskPage().isPresent());
        await().atMost(Duration.ofSeconds(30)).until(() -> pageLoads.get() == 1);
        // Three checks pass (interval 1 s) without complaint.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> station.isAlive() && !output().contains("not open"));

        // Another tab keeps the browser running; then the kiosk page goes.
        http.send(HttpRequest.newBuilder(debug("/json/new?about:blank")).PUT(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        String id = kioskPage().orElseThrow().get("id").asText();
        http.send(HttpRequest.newBuilder(debug("/json/close/" + id)).build(), HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofSeconds(30)).until(() -> !station.isAlive());
        assertEquals(1, station.exitValue(), output());
        String output = output();
        assertTrue(output.contains("the kiosk page is not open (1 of 2)"), output);
        assertTrue(output.contains("the kiosk page is not open (2 of 2)"), output);
        assertTrue(output.contains("stopping the browser"), output);
        await().atMost(Duration.ofSeconds(10)).until(() -> station.descendants().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aBrowserThatDiesRestartsTheStation() throws Exception {
        start(null, 60);
        await().atMost(Duration.ofSeconds(60)).until(() -> kioskPage().isPresent());
        ProcessHandle browser = station.children()
                .filter(p -> p.info().commandLine().orElse("").contains("chromium")).findFirst().orElseThrow();
        browser.destroyForcibly();

        await().atMost(Duration.ofSeconds(30)).until(() -> !station.isAlive());
        assertEquals(1, station.exitValue(), output());
        assertTrue(output().contains("the browser exited"), output());
    }

    @Test
    void aPageOfAnotherOriginIsNotTheKioskPageAndRestartsTheStationAfterTheGracePeriod() throws Exception {
        start("https://telekiosk.example.org:8443", 3);

        await().atMost(Duration.ofSeconds(90)).until(() -> !station.isAlive());
        assertEquals(1, station.exitValue(), output());
        assertTrue(output().contains("the kiosk page did not open within 3 s"), output());
        await().atMost(Duration.ofSeconds(10)).until(() -> station.descendants().noneMatch(ProcessHandle::isAlive));
    }

    private Optional<JsonNode> kioskPage() {
        try {
            String list = http.send(HttpRequest.newBuilder(debug("/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (JsonNode target : new ObjectMapper().readTree(list)) {
                if ("page".equals(target.path("type").asText())
                        && target.path("url").asText().contains("/kiosk.html")) {
                    return Optional.of(target);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private URI debug(String path) {
        return URI.create("http://127.0.0.1:" + debugPort + path);
    }

    private String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

}

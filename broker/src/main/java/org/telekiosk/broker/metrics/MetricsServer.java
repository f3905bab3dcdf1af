package org.telekiosk.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} on a listener of its own, by default on the loopback interface only ({@code metrics.bind},
 * {@code metrics.port}): plain HTTP, no login, so it must not be reachable from the internet. A separate listener,
 * not a path of the public HTTPS server, so that no scrape secret has to be managed and no operator can open it to
 * the internet by accident with the web pages (docs/operations.md). Requests run on virtual threads, never on the
 * HTTPS server's event loop.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** The Prometheus text format (exposition format 0.0.4). */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Listens on {@code bind:port} (0: a free port) and serves {@code metrics}. */
    public static MetricsServer start(String bind, int port, BrokerMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("metrics-", 0)
                .factory());
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, metrics);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Metrics request failed: {}", e.toString());
            }
        });
        server.start();
        LOG.info("Metrics at http://{}:{}/metrics", bind, server.getAddress().getPort());
        return new MetricsServer(server, executor);
    }

    private static void handle(HttpExchange exchange, BrokerMetrics metrics) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (!"/metrics".equals(path)) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found: the metrics are at /metrics\n", true);
        } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", method + " is not supported here\n", true);
        } else {
            send(exchange, 200, CONTENT_TYPE, metrics.scrape(), !"HEAD".equals(method));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String text, boolean body)
            throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body ? bytes.length : -1);
        if (body) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address listened on, as configured. */
    public String host() {
        return server.getAddress().getHostString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

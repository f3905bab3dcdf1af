package org.telekiosk.hardware.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.server.FreePort;
import org.telekiosk.broker.testing.MosquittoProcess;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.protocol.KioskId;

/**
 * Broker nodes as real processes (issue 17): {@code count} nodes from the shaded jar on one fresh PostgreSQL schema and
 * one external Mosquitto, behind HAProxy, all on free loopback ports. As docs/scale-out.md has the operator do it: the
 * first node's {@code mosquitto-config} makes the CA (in its data directory) and Mosquitto's files while
 * {@code create-admin} makes the first account; the CA is copied to the other nodes, one join-code key written to all,
 * and the nodes start at once (their start is most of the test's setup; each writes nothing the others need). Clients reach the nodes through HAProxy at {@code https://localhost:<port>} (the nodes'
 * {@code https.public-url} and allowed origin). Closes everything in reverse.
 */
final class BrokerNodes implements AutoCloseable {
    static final String PASSWORD = "a long test passphrase";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(180);

    private final Path dir;
    private final PostgresSchema schema;
    private final List<BrokerProcess> nodes = new ArrayList<>();
    private final int balancerPort;
    private MosquittoProcess mosquitto;
    private Haproxy haproxy;
    private SSLContext tls;
    private HttpClient http;

    private BrokerNodes(Path dir, PostgresSchema schema, int balancerPort) {
        this.dir = dir;
        this.schema = schema;
        this.balancerPort = balancerPort;
    }

    /** Starts everything; skips the caller when PostgreSQL is unreachable (as the broker's PostgreSQL tests do). */
    static BrokerNodes start(Path dir, int count) throws Exception {
        BrokerNodes started = new BrokerNodes(dir, new PostgresSchema().create(), FreePort.pick("127.0.0.1"));
        try {
            started.startAll(count);
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void startAll(int count) throws Exception {
        long begin = System.nanoTime();
        int mqttPort = FreePort.pick("127.0.0.1");
        Map<String, String> config = Map.of("store.url", schema.url(), "store.user", PostgresSchema.USER,
                "mqtt.external-host", "localhost", "mqtt.external-port", Integer.toString(mqttPort),
                "mqtt.intake-connections", "1",
                "https.public-url", origin(), "https.allowed-origins", origin());
        for (int i = 0; i < count; i++) {
            nodes.add(new BrokerProcess(dir.resolve("node-" + i), config));
        }
        BrokerProcess first = nodes.getFirst();
        // The first account, made while the CA is: both commands migrate the fresh schema at once, as nodes started
        // together on a new database do; the nodes then start on a migrated schema.
        CompletableFuture<String> admin = CompletableFuture.supplyAsync(() -> {
            try {
                return first.run(PASSWORD + "\n", "create-admin", "--login", "admin", "--name", "Admin");
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        // The first node's CA and Mosquitto's configuration, as docs/scale-out.md's operator makes them.
        Path mosquittoDir = dir.resolve("mosquitto");
        first.run(null, "mosquitto-config", "--out", mosquittoDir.toString(), "--host-name", "localhost",
                "--listen-port", Integer.toString(mqttPort), "--listen-address", "127.0.0.1",
                "--user", System.getProperty("user.name"));
        mosquitto = MosquittoProcess.start(mosquittoDir.resolve("mosquitto.conf"), mqttPort,
                dir.resolve("mosquitto.log"));
        try {
            admin.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        lap("the CA, Mosquitto's configuration and the first account made; Mosquitto started", begin);
        // The CA and the join codes' key on every node ("Setting up a second node": the CA copied from the first
        // node; the join codes' key, which a first start would make, made here once for all), then all three started
        // at once, as after a power cut: nothing a node writes at its first start is needed by another's.
        byte[] joinCodeKey = new byte[32];
        new SecureRandom().nextBytes(joinCodeKey);
        for (BrokerProcess node : nodes) {
            if (node != first) {
                Path pki = SecureFiles.ownerOnlyDirectory(node.dataDir().resolve("pki"));
                for (String name : new String[] {"ca.pem", "root-ca.p12", "issuing-ca.p12", "keystore.password"}) {
                    Files.copy(first.dataDir().resolve("pki").resolve(name), pki.resolve(name),
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Path secrets = SecureFiles.ownerOnlyDirectory(node.dataDir().resolve("secrets"));
            SecureFiles.writeSecret(secrets.resolve("join-code.key"), joinCodeKey);
            node.launch();
        }
        for (int i = 0; i < count; i++) {
            nodes.get(i).awaitListening();
            lap("node-" + i + " listening", begin);
        }
        X509Certificate ca;
        try (var in = Files.newInputStream(caPem())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        tls = TrustStores.trusting(ca);
        http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        haproxy = Haproxy.start(dir, balancerPort, nodes.stream().map(BrokerProcess::httpsPort).toList(), caPem(),
                "localhost");
        haproxy.awaitAllUp(START);
        lap("every node UP in HAProxy", begin);
    }

    /** Prints how long a phase took since {@code begin}, with the load average (where the test's time goes). */
    static void lap(String what, long begin) {
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            load = "?";
        }
        System.out.printf("Nodes timing: %s after %d ms; load %s%n", what, (System.nanoTime() - begin) / 1_000_000,
                load);
    }

    Path caPem() {
        return nodes.getFirst().dataDir().resolve("pki").resolve("ca.pem");
    }

    /** The balancer's address as browsers and kiosks use it. */
    String origin() {
        return "https://localhost:" + balancerPort;
    }

    URI balancer() {
        return URI.create(origin());
    }

    BrokerProcess node(int index) {
        return nodes.get(index);
    }

    int size() {
        return nodes.size();
    }

    Haproxy haproxy() {
        return haproxy;
    }

    PostgresSchema schema() {
        return schema;
    }

    /**
     * Starts node {@code index} again (after a kill or a stop) once HAProxy has it down, and waits until HAProxy has
     * it UP again (so that a rolling restart never takes a second node out while the first is not back).
     */
    void restart(int index) throws Exception {
        Awaitility.await("node-" + index + " DOWN in HAProxy").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> !haproxy.up(index));
        nodes.get(index).start();
        Awaitility.await("node-" + index + " UP in HAProxy").atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> haproxy.up(index));
    }

    /** The index of the node whose data directory names {@code nodeId} ({@code mqtt-subscriber-id}). */
    int indexOf(String nodeId) throws IOException {
        for (int i = 0; i < nodes.size(); i++) {
            Path id = nodes.get(i).dataDir().resolve("mqtt-subscriber-id");
            if (Files.exists(id) && Files.readString(id).strip().equals(nodeId)) {
                return i;
            }
        }
        throw new IllegalStateException("no node named " + nodeId);
    }

    /** A WebSocket through the balancer to {@code path}, from the balancer's origin, with {@code cookie} (or null). */
    ViewerClient socket(String path, String cookie) {
        return ViewerClient.at(URI.create("wss://localhost:" + balancerPort + path), tls, origin(), cookie);
    }

    /**
     * A WebSocket through the balancer to node {@code index} alone (HAProxy steered there, and back to every node
     * after): waits until HAProxy has the node {@code UP}, and connects again while the handshake fails. On a loaded
     * machine a node's TLS health check can exceed its 2 s, and HAProxy takes the node out for a few seconds; steered
     * to it alone, HAProxy then has no server and closes the handshake (seen at load 56). Fails after {@code patience}.
     */
    ViewerClient socketOn(int index, String path, String cookie, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        haproxy.steer(index);
        try {
            while (true) {
                Awaitility.await("node-" + index + " UP in HAProxy")
                        .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                        .pollInterval(Duration.ofMillis(200)).until(() -> haproxy.up(index));
                try {
                    return socket(path, cookie);
                } catch (CompletionException refused) {
                    if (System.nanoTime() > deadline) {
                        throw refused;
                    }
                }
            }
        } finally {
            haproxy.unsteer();
        }
    }

    /** A REST call's answer. */
    record Reply(int status, JsonNode json, HttpResponse<String> raw) {}

    /**
     * A REST call through the balancer; the reply's status and JSON body. A connection HAProxy closed without an
     * answer (no node {@code UP} at that moment: on the loaded build machine a node's health check can time out) is
     * tried again once some node is {@code UP}, at most three times; a request that reached a node and timed out is not.
     */
    Reply rest(String method, String path, String body, String bearer) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return restOnce(method, path, body, bearer);
            } catch (java.net.http.HttpTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.printf("Nodes timing: %s %s through HAProxy failed (%s); again%n", method, path, e);
                Awaitility.await("a node UP in HAProxy").atMost(START).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            for (int i = 0; i < nodes.size(); i++) {
                                if (haproxy.up(i)) {
                                    return true;
                                }
                            }
                            return false;
                        });
            }
        }
    }

    private Reply restOnce(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(balancer().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Origin", origin())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(),
                response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body()), response);
    }

    /** Logs in through the balancer; the session token. */
    String login(String login) throws Exception {
        Reply reply = rest("POST", "/api/v1/session", "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD
                + "\"}", null);
        if (reply.status() != 200) {
            throw new AssertionError("login of " + login + ": " + reply.status() + " " + reply.json());
        }
        return reply.json().path("token").asText();
    }

    /** A doctor's account made by the admin; the doctor's session token. */
    String doctor(String login) throws Exception {
        Reply created = rest("POST", "/api/v1/accounts", "{\"login\":\"" + login + "\",\"displayName\":\"Dr. "
                + login + "\",\"role\":\"doctor\",\"password\":\"" + PASSWORD + "\"}", login("admin"));
        if (created.status() != 201) {
            throw new AssertionError("account " + login + ": " + created.status() + " " + created.json());
        }
        return login(login);
    }

    /** Rows of {@code kiosk}'s readings in the shared store: {rows, distinct numbers, highest number}. */
    long[] stored(KioskId kiosk) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.url(), PostgresSchema.USER, "");
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM reading WHERE kiosk = ?")) {
            s.setString(1, kiosk.value());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
            }
        }
    }

    /** The node holding {@code consultation}'s signaling room now, if any ({@code signaling_home}). */
    java.util.Optional<Integer> home(String consultation) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.url(), PostgresSchema.USER, "");
                PreparedStatement s = c.prepareStatement("SELECT node FROM signaling_home WHERE consultation_id = ?")) {
            s.setString(1, consultation);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? java.util.Optional.of(indexOf(r.getString(1))) : java.util.Optional.empty();
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        for (BrokerProcess node : nodes.reversed()) {
            node.stop();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (http != null) {
            http.close();
        }
        schema.drop();
    }
}

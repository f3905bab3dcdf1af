package org.telekiosk.hardware.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.protocol.KioskId;

/**
 * The broker (with its embedded HiveMQ) as a real process from its shaded jar ({@code broker/target/telekiosk-broker.jar}),
 * on fixed loopback ports so that a restarted broker is where the kiosk expects it, with its data in one directory that
 * survives restarts. Its store (SQLite, WAL) is read by the test through a read-only connection of its own.
 *
 * <p>With a configuration ({@link #BrokerProcess(Path, Map)}: a node on PostgreSQL and an external MQTT broker, issue
 * 17) every command gets {@code --config} with those keys, written beside the data directory; without the embedded
 * HiveMQ ({@code mqtt.external-host}) only the HTTPS port is awaited.
 */
public final class BrokerProcess {
    static final Path JAR = Path.of("..", "broker", "target", "telekiosk-broker.jar").toAbsolutePath().normalize();

    /**
     * JVM options for the jar's commands and for broker nodes of a multi-node test: the serial collector, whose single
     * thread competes less with the other JVMs of the test on a 2-core machine than the parallel collectors' threads.
     * Not the client compiler alone ({@code -XX:TieredStopAtLevel=1}): with it both logins of a run of NodesSystemTest
     * at load 50-60 found no answer within 30 s (a login's Argon2id hash is a node's heaviest computation; with both
     * compilers that step had passed at load 84).
     */
    static final List<String> SHORT_LIVED = List.of("-XX:+UseSerialGC");

    private final Path dataDir;
    private final int httpsPort = freePort();
    private final int mqttPort = freePort();
    private final Path configFile;
    private final boolean embeddedMqtt;
    private Process process;

    BrokerProcess(Path dataDir) throws IOException {
        this(dataDir, Map.of());
    }

    /**
     * @param config configuration keys for every command of this broker (its {@code --config} file); empty for none.
     *               The data directory, the ports and the bind address are options of {@code serve} as before.
     */
    public BrokerProcess(Path dataDir, Map<String, String> config) throws IOException {
        this.dataDir = SecureFiles.ownerOnlyDirectory(dataDir);
        this.embeddedMqtt = config.getOrDefault("mqtt.external-host", "").isEmpty();
        if (config.isEmpty()) {
            this.configFile = null;
        } else {
            this.configFile = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
            StringBuilder lines = new StringBuilder();
            new TreeMap<>(config).forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
            Files.writeString(configFile, lines);
        }
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code --data-dir} and, with a configuration, {@code --config}: the options every command of this broker gets. */
    private List<String> common() {
        List<String> options = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        if (configFile != null) {
            options.addAll(List.of("--config", configFile.toString()));
        }
        return options;
    }

    /**
     * Runs the jar's command {@code args} (with {@link #common()}) to its end, {@code stdin} as its standard input
     * (null: none); standard error goes to {@code <command>.log} in the data directory. Returns standard output.
     */
    public String run(String stdin, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(SHORT_LIVED);
        command.addAll(List.of("-jar", JAR.toString(), args[0]));
        command.addAll(common());
        command.addAll(List.of(args).subList(1, args.length));
        Process cli = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolve(args[0] + ".log").toFile()))
                .start();
        if (stdin != null) {
            cli.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        cli.getOutputStream().close();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            throw new IllegalStateException(args[0] + " failed: '" + output + "'; see "
                    + dataDir.resolve(args[0] + ".log"));
        }
        return output;
    }

    int mqttPort() {
        return mqttPort;
    }

    Path caPem() {
        return dataDir.resolve("pki").resolve("ca.pem");
    }

    /** Where kiosks enroll. */
    URI httpsUrl() {
        return URI.create("https://localhost:" + httpsPort);
    }

    /**
     * A one-time enrollment token for {@code kiosk}, made as a technician does, with the jar's
     * {@code enrollment-token} command on the same data directory (the running broker shares the registry file).
     */
    public String enrollmentToken(KioskId kiosk) throws IOException, InterruptedException {
        // Standard output is the token line alone; logs and the hint go to standard error.
        String output = run(null, "enrollment-token", "--kiosk", kiosk.value(), "--label", "System test " + kiosk);
        if (output.lines().count() != 1 || !output.startsWith("tk1.")) {
            throw new IllegalStateException("enrollment-token did not print one token line: '" + output + "'; see "
                    + dataDir.resolve("enrollment-token.log"));
        }
        return output.strip();
    }

    /** Starts {@code serve} and waits until its MQTT port (if it runs the embedded HiveMQ) and HTTPS port answer. */
    public void start() throws IOException, InterruptedException {
        launch();
        awaitListening();
    }

    /** Starts {@code serve} without waiting (several nodes start at once); {@link #awaitListening} waits. */
    public void launch() throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build with mvn -pl hardware-tests -am verify");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m"));
        if (!embeddedMqtt) {
            command.addAll(SHORT_LIVED); // the nodes of NodesSystemTest: three at once on a 2-core machine
        }
        command.addAll(List.of("-jar", JAR.toString(), "serve"));
        command.addAll(common());
        command.addAll(List.of("--port", Integer.toString(httpsPort), "--mqtt-port", Integer.toString(mqttPort),
                "--metrics-port", "0", "--bind", "127.0.0.1"));
        process = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.log").toFile()))
                .start();
    }

    /** Waits until the process started by {@link #launch} listens (MQTT if embedded, and HTTPS). */
    public void awaitListening() throws InterruptedException {
        // Over 90 s seen at load 37; a node started again after a kill (NodesSystemTest) took over 180 s at load 50
        // and 300 s at load 70-80. A process that exits is reported at once; this only bounds a starved start.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        // Both listeners: the embedded MQTT broker starts before the HTTPS server, and an enrollment right after
        // start (HTTPS) met a refused connection when only the MQTT port was awaited.
        while ((embeddedMqtt && !answers(mqttPort)) || !answers(httpsPort)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see "
                        + dataDir.resolve("broker.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not listen (MQTT and HTTPS) within 600 s; see "
                        + dataDir.resolve("broker.log"));
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and wait. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** The JSON of {@code GET /healthz} (counters since this process started). */
    String health() throws Exception {
        java.security.cert.X509Certificate ca;
        try (var in = Files.newInputStream(caPem())) {
            ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(TrustStores.trusting(ca)).build()) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(httpsUrl().resolve("/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.body();
        }
    }

    /** {count, highest seq} of {@code kiosk}'s readings in the broker's store; {0, 0} before the store exists. */
    long[] stored(KioskId kiosk) throws SQLException {
        Path db = dataDir.resolve("store").resolve("telekiosk.db");
        if (!Files.exists(db)) {
            return new long[] {0, 0};
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("open_mode", "1");
        readOnly.setProperty("busy_timeout", "10000");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db, readOnly);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*), coalesce(max(seq), 0) FROM reading WHERE kiosk = ?")) {
            query.setString(1, kiosk.value());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return new long[] {0, 0};
            }
            throw e;
        }
    }

    /** The missing ranges of {@code kiosk}'s sequence numbers below the highest stored, for failure messages. */
    String gaps(KioskId kiosk) throws SQLException {
        Path db = dataDir.resolve("store").resolve("telekiosk.db");
        Properties readOnly = new Properties();
        readOnly.setProperty("open_mode", "1");
        StringBuilder gaps = new StringBuilder();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db, readOnly);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT seq FROM reading WHERE kiosk = ? ORDER BY seq")) {
            query.setString(1, kiosk.value());
            try (ResultSet rs = query.executeQuery()) {
                long expected = 1;
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (seq > expected && gaps.length() < 2000) {
                        gaps.append(expected).append("..").append(seq - 1).append(' ');
                    }
                    expected = seq + 1;
                }
            }
        }
        return gaps.isEmpty() ? "none" : gaps.toString();
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

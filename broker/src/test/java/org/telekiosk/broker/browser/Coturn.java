package org.telekiosk.broker.browser;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Pem;
import org.telekiosk.broker.testing.RequiredPrograms;

/**
 * Debian's coturn ({@code /usr/bin/turnserver}) started for a test class on free ports on 127.0.0.1, with coturn's
 * shared-secret scheme ({@code use-auth-secret}) and a random secret in a 0600 file. {@code allow-loopback-peers}
 * is set because both browsers run on this machine: tests only, never in production (FACTS.md).
 *
 * <p>UDP and TCP on {@link #port()}; with {@link #withTls} also TLS on {@link #tlsPort()}, with the test broker's
 * server certificate and key (issued by the broker's test CA, so the browsers that trust the broker trust coturn).
 */
public final class Coturn implements BeforeAllCallback, AfterAllCallback {
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final int minRelayPort;
    private final String secret;
    private Supplier<BrokerPki> tls;
    private boolean verbose;
    private Process process;

    public Coturn() {
        try {
            dir = Files.createTempDirectory("telekiosk-coturn");
            port = freePort();
            tlsPort = freePort();
            minRelayPort = 40_000 + new SecureRandom().nextInt(200) * 100;
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            secret = HexFormat.of().formatHex(bytes);
            Path secretFile = dir.resolve("turn-secret");
            Files.writeString(secretFile, secret + "\n");
            Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare coturn", e);
        }
    }

    /**
     * Also listens for TURN over TLS on {@link #tlsPort()} with the broker's server certificate chain and key, read
     * from {@code pki} when coturn starts (register the broker's extension first).
     */
    public Coturn withTls(Supplier<BrokerPki> pki) {
        this.tls = pki;
        return this;
    }

    /** coturn logs every request and answer (its {@code verbose}), for a test that reads {@link #log()}. */
    public Coturn verbose() {
        this.verbose = true;
        return this;
    }

    /** coturn's log so far ("" if there is none yet). */
    public String log() {
        try {
            Path log = dir.resolve("turnserver.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "cannot read coturn's log: " + e;
        }
    }

    private void writeConfig() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", "listening-port=" + port,
                "min-port=" + minRelayPort, "max-port=" + (minRelayPort + 99),
                "use-auth-secret", "static-auth-secret=" + secret, "realm=telekiosk.test", "fingerprint",
                "no-dtls", "no-cli", "no-multicast-peers", "allow-loopback-peers",
                "userdb=" + dir.resolve("turndb"), "pidfile=" + dir.resolve("turnserver.pid"),
                "log-file=" + dir.resolve("turnserver.log"), "simple-log", "no-stdout-log"));
        if (verbose) {
            lines.add("verbose");
        }
        if (tls == null) {
            lines.add("no-tls");
        } else {
            BrokerPki pki = tls.get();
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            Files.write(cert, Pem.encode(pki.serverChain()));
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pki.serverKey().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            lines.addAll(List.of("tls-listening-port=" + tlsPort, "cert=" + cert, "pkey=" + key, "no-tlsv1",
                    "no-tlsv1_1"));
        }
        lines.add("");
        Path config = dir.resolve("turnserver.conf");
        Files.writeString(config, String.join("\n", lines));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The TURN URL for browsers. */
    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /** TURN over TCP. */
    public String tcpUrl() {
        return "turn:127.0.0.1:" + port + "?transport=tcp";
    }

    /** TURN over TLS, under a name the broker's certificate covers ({@link #withTls}). */
    public String tlsUrl() {
        return "turns:localhost:" + tlsPort + "?transport=tcp";
    }

    /** coturn's UDP and TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** coturn's TLS port on 127.0.0.1 (with {@link #withTls}). */
    public int tlsPort() {
        return tlsPort;
    }

    /** The file holding the shared secret (for {@code turn.secret-file}). */
    public Path secretFile() {
        return dir.resolve("turn-secret");
    }

    public String secret() {
        return secret;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        RequiredPrograms.Program.TURNSERVER.require();
        writeConfig();
        process = new ProcessBuilder(List.of("/usr/bin/turnserver", "-c", dir.resolve("turnserver.conf").toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        int lastPort = tls == null ? port : tlsPort;
        Awaitility.await("coturn listening on 127.0.0.1:" + lastPort).atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("coturn exited: " + Files.readString(dir.resolve("turnserver.out")));
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", lastPort), 500);
                        return true;
                    }
                });
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (process != null) {
            process.destroy();
            Awaitility.await("coturn stopped").atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

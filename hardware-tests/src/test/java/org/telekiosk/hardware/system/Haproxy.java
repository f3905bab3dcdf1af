package org.telekiosk.hardware.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.telekiosk.broker.testing.RequiredPrograms;

/**
 * Debian's HAProxy 2.6 ({@link RequiredPrograms.Program#HAPROXY}) in front of broker nodes, started by a test with the
 * configuration of docs/scale-out.md ("HAProxy": TCP mode, TLS passed through, the health check speaking TLS to
 * {@code /readyz}), on {@code 127.0.0.1:port}, with its runtime API on a Unix socket of its own: the test reads which
 * servers are {@code UP} and steers new connections to one node ({@code set server ... state drain} for the others),
 * as an operator could. Output and the configuration are in {@code dir}.
 */
public final class Haproxy implements AutoCloseable {
    static final String BACKEND = "telekiosk_brokers";

    private final Process process;
    private final Path socket;
    private final List<String> servers;

    private Haproxy(Process process, Path socket, List<String> servers) {
        this.process = process;
        this.socket = socket;
        this.servers = servers;
    }

    /**
     * The configuration of docs/scale-out.md for {@code nodes} (HTTPS ports on 127.0.0.1, servers {@code node-0},
     * {@code node-1}, ...), the health check trusting {@code caPem} and naming {@code host}, plus the runtime API and
     * one addition: {@code timeout check 10s}. Without it the whole check (connection, TLS handshake, {@code /readyz})
     * must finish within {@code inter} (2 s); with it, per HAProxy's manual, {@code min(timeout connect, inter)} bounds
     * the connection and {@code timeout check} the rest. On the shared build machine at load 56 a node's check
     * took over 2 s ({@code Layer6 timeout}) and HAProxy took a healthy node out: the test's steered sockets wait
     * for it ({@link BrokerNodes#socketOn}) and its REST calls try again ({@link BrokerNodes#rest}). A killed node is
     * still seen at once (its port refuses the check's connection).
     */
    static String configuration(int port, List<Integer> nodes, Path caPem, String host, Path socket) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            servers.append("    server node-").append(i).append(" 127.0.0.1:").append(nodes.get(i)).append('\n');
        }
        return """
                global
                    stats socket %s mode 600 level admin

                defaults
                    mode tcp
                    timeout connect 3s
                    timeout client 1h             # WebSockets live long; the pages ping every 10 s
                    timeout server 1h
                    retries 2
                    option redispatch 1           # a connection refused by a draining node is retried on another
                    timeout check 10s             # the test's one addition: see configuration()'s comment

                frontend telekiosk_https
                    bind 127.0.0.1:%d
                    default_backend %s

                backend %s
                    balance leastconn
                    option httpchk
                    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host %s
                    http-check expect status 200
                    default-server check check-ssl check-sni %s ca-file %s inter 2s fall 2 rise 2
                %s""".formatted(socket, port, BACKEND, BACKEND, host, host, caPem, servers);
    }

    /** Starts HAProxy in the foreground and waits until it listens on {@code port}. */
    static Haproxy start(Path dir, int port, List<Integer> nodes, Path caPem, String host) throws IOException {
        RequiredPrograms.Program.HAPROXY.require();
        Path socket = dir.resolve("haproxy.sock");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, configuration(port, nodes, caPem, host, socket));
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(RequiredPrograms.Program.HAPROXY.path().toString(), "-db", "-f",
                config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Awaitility.await("HAProxy listening on " + port).atMost(Duration.ofSeconds(15)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("HAProxy exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            names.add("node-" + i);
        }
        return new Haproxy(process, socket, names);
    }

    /** One command on the runtime API; its answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (channel.read(buffer) > 0) {
                buffer.flip();
                answer.append(StandardCharsets.US_ASCII.decode(buffer));
                buffer.clear();
            }
            return answer.toString();
        }
    }

    /**
     * Whether the health check has node {@code index} {@code UP} (a node drained by {@link #steer} counts) and its last
     * check passed. HAProxy 2.6 shows a server going down as {@code UP 1/2} (or {@code DRAIN 1/2}) and one going up as
     * {@code DOWN 1/2}: neither counts, so that a node whose {@code /readyz} just failed is not taken for ready.
     */
    boolean up(int index) throws IOException {
        // show stat: CSV, "pxname,svname,...,status,..." with status the 18th field and check_status the 37th
        // ("L7OK"; "* L7OK" while a check runs)
        for (String line : command("show stat").lines().toList()) {
            String[] fields = line.split(",", -1);
            if (fields.length > 36 && fields[0].equals(BACKEND) && fields[1].equals(servers.get(index))) {
                return (fields[17].equals("UP") || fields[17].equals("DRAIN")) && fields[36].endsWith("L7OK");
            }
        }
        return false;
    }

    /** Waits until every node is {@code UP}. */
    void awaitAllUp(Duration patience) {
        Awaitility.await("every node UP in HAProxy").atMost(patience).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (int i = 0; i < servers.size(); i++) {
                        if (!up(i)) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** New connections go to node {@code index} only (the others drained); {@link #unsteer} ends that. */
    void steer(int index) throws IOException {
        command("set server " + BACKEND + "/" + servers.get(index) + " state ready");
        for (int i = 0; i < servers.size(); i++) {
            if (i != index) {
                command("set server " + BACKEND + "/" + servers.get(i) + " state drain");
            }
        }
    }

    /** Every node takes new connections again (as far as its health check allows). */
    void unsteer() throws IOException {
        for (String server : servers) {
            command("set server " + BACKEND + "/" + server + " state ready");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

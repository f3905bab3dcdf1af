package org.telekiosk.broker.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a free TCP port for a listener configured with port 0 whose number must be known before it binds (the
 * embedded MQTT broker cannot report back; the HTTPS port is named in the certificates' CRL address). The port is
 * picked below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}), where the kernel never hands out
 * ports for outgoing connections: picked from inside it, the port could be taken before the listener binds it by any
 * outgoing connection of this very process (the intake's MQTT clients, the database), which a test run's
 * {@code BindException} showed. Another process binding the same number in between is still possible; the listener
 * then fails to start with a clear message.
 */
public final class FreePort {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** How many ports below the ephemeral range are tried, at random. */
    static final int SPAN = 10_000;
    private static final int ATTEMPTS = 50;

    private FreePort() {}

    public static int pick(String bindAddress) throws IOException {
        InetAddress address = InetAddress.getByName(bindAddress);
        int below = ephemeralLow();
        int low = Math.max(1024, below - SPAN);
        for (int attempt = 0; below > low && attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, below);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(address, port), 1);
                return port;
            } catch (BindException taken) {
                // in use: another one
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    /** The first port of the ephemeral range; 32768 (Linux's default) where the kernel does not say. */
    static int ephemeralLow() {
        try {
            // Not Files.readString: /proc reports a size of 0, and readString then returned one byte ("3").
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}

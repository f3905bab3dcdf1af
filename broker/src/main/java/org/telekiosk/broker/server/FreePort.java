package org.telekiosk.broker.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks a free TCP port for a listener that cannot bind port 0 and report back (the embedded MQTT broker). Another
 * process could take the port in between; the embedded broker then fails to start with a clear message.
 */
public final class FreePort {
    private FreePort() {}

    public static int pick(String bindAddress) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}

package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortTest {

    /**
     * A port picked for a listener lies below the kernel's ephemeral range, so that no outgoing connection of this
     * process can take it before the listener binds it; and it can be bound.
     */
    @Test
    void aPickedPortLiesBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        int low = FreePort.ephemeralLow();
        for (int i = 0; i < 20; i++) {
            int port = FreePort.pick("127.0.0.1");
            assertTrue(port < low && port >= Math.max(1024, low - FreePort.SPAN), port + " against " + low);
            try (ServerSocket listener = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertTrue(listener.isBound());
            }
        }
    }
}

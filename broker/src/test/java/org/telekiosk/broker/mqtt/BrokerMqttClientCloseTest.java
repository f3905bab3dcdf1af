package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * The acknowledgement line's failure path once the client is closed: a message whose handling fails while or after
 * the node stops (the store's writer completing it with a failure, as when the store closes under it) asks the
 * client to reconnect, whose scheduler is shut down by then. That must neither throw into the completing thread nor
 * reconnect.
 */
class BrokerMqttClientCloseTest {
    @Test
    void aMessageThatFailsAfterTheClientClosedIsGivenUpQuietly() throws Exception {
        BrokerMqttClient client = new BrokerMqttClient("ssl://127.0.0.1:9", "telekiosk-broker-00000000000000c2",
                (SSLSocketFactory) SSLSocketFactory.getDefault(), false);
        AckLine.Slot taken = client.ackLine().arrived(7, 1);
        client.close();

        assertDoesNotThrow(() -> taken.complete(new IllegalStateException("the store is closed")));
        assertEquals(0, client.ackLine().waiting(), "given up, not left in line");
        assertEquals(0, client.acknowledgedCount(), "and not acknowledged");
    }
}

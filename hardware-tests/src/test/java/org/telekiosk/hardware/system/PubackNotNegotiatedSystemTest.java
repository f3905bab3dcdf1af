package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;

/** The shared subscription: HiveMQ's own PUBACK, nothing negotiated, the store-ack deletes. */
class PubackNotNegotiatedSystemTest extends PubackStoreAckSystemCase {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.intake", "subscription"));

    @Override
    BrokerExtension broker() {
        return BROKER;
    }

    @Override
    String name() {
        return "puback-not-negotiated";
    }

    @Override
    void check(long storedThrough, long through) {
        assertTrue(storedThrough >= through, "deleted by the store-ack (" + storedThrough + ")");
    }
}

package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/** The in-process intake (the default with the embedded MQTT broker): the agent negotiates. */
class PubackNegotiatedSystemTest extends PubackStoreAckSystemCase {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.intake", "in-process"));

    @Override
    BrokerExtension broker() {
        return BROKER;
    }

    @Override
    String name() {
        return "puback-negotiated";
    }

    @Override
    void check(long storedThrough, long through) {
        assertTrue(BROKER.broker().inProcessIntake().orElseThrow().pubackAcks()
                .acknowledgesByPuback(KioskId.of(name())), "the agent's connection negotiated");
        assertTrue(storedThrough < through, "deleted on PUBACK, not by a store-ack (" + storedThrough + ")");
    }
}

package org.telekiosk.broker.mosquitto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Mosquitto ACL lets each kiosk write exactly its own uplink channels, command updates included. */
class MosquittoAclTest {
    @Test
    void eachKioskWritesItsMeasurementsStatusAndCommandUpdatesAndReadsItsDownlink() {
        List<String> patterns = MosquittoConfig.acl().lines().filter(l -> l.startsWith("pattern ")).toList();
        assertEquals(List.of("pattern write telekiosk/v1/kiosks/%u/measurements",
                "pattern write telekiosk/v1/kiosks/%u/status",
                "pattern write telekiosk/v1/kiosks/%u/commands",
                "pattern read telekiosk/v1/to-kiosk/%u/+"), patterns);
    }
}

package org.telekiosk.broker.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MutableClock;

/**
 * The purge ending a consultation whose access window closed, through a real broker on a clock the test moves, ends
 * its call on the signaling sockets with {@code access-expired} (issue 12).
 */
class ConsultationExpiryIntegrationTest {
    static final MutableClock CLOCK = new MutableClock(Instant.now());

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("purge.interval", "PT1S"), CLOCK);

    @Test
    void thePurgeEndingAConsultationWhoseWindowClosedSendsEndedAndClosesBothSocketsWith1000() throws Exception {
        try (SignalingCall call = SignalingCall.open(BROKER, "dr-end-at-purge")) {
            CLOCK.advance(Duration.ofHours(25));
            call.assertEnded("access-expired");
        }
    }
}

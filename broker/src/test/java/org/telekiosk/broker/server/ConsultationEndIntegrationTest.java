package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;

/**
 * Ending a consultation over REST through a real broker ends its call on the signaling sockets (issue 12): the
 * composition root's wiring, which the service tests ({@code ConsultationEndSignalingTest}) cannot check.
 */
class ConsultationEndIntegrationTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    @Test
    void endingOverRestSendsEndedAndClosesBothSignalingSocketsWith1000() throws Exception {
        try (SignalingCall call = SignalingCall.open(BROKER, "dr-end-over-rest")) {
            RestClient.Reply reply = new RestClient(BROKER).send("POST", "/api/v1/consultations/"
                    + call.consultation().id() + "/end", null,
                    Map.of("Authorization", "Bearer " + call.session().value()));
            assertEquals(200, reply.status(), reply.json().toString());
            assertEquals("ended", reply.json().path("state").asText());
            call.assertEnded("ended-by-doctor");
        }
    }
}

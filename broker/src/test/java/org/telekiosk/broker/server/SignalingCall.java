package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * A doctor's and an admitted patient's signaling sockets (JDK WebSocket clients on {@code /ws/signal}) in one new
 * consultation of a running broker, after a first offer was relayed.
 */
record SignalingCall(BrokerExtension broker, Consultation consultation, OpaqueToken session, ViewerClient doctor,
        ViewerClient patient) implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    static SignalingCall open(BrokerExtension broker, String login) throws Exception {
        AccessServices access = broker.broker().access();
        Account account = VitalsFixture.account(access, login, Role.DOCTOR);
        Caller doctorCaller = new Caller.Staff(account);
        Consultation consultation = Outcomes.done(access.consultations().create(doctorCaller,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
        String code = Outcomes.done(access.codes().issue(doctorCaller, consultation.id())).code().formatted();
        OpaqueToken session = VitalsFixture.login(access, account);

        ViewerClient doctor = ViewerClient.signaling(broker);
        doctor.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"session\",\"token\":\""
                + session.value() + "\",\"consultation\":\"" + consultation.id() + "\"}}");
        doctor.nextOfType("welcome", WAIT);
        ViewerClient patient = ViewerClient.signaling(broker);
        patient.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"code\",\"code\":\""
                + code + "\",\"name\":\"\"}}");
        String participant = JSON.readTree(patient.nextOfType("welcome", WAIT)).path("participant").asText();
        doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
        patient.nextOfType("admitted", WAIT);
        doctor.send("{\"type\":\"offer\",\"sdp\":\"v=0 before\"}");
        patient.nextOfType("offer", WAIT);
        return new SignalingCall(broker, consultation, session, doctor, patient);
    }

    void assertEnded(String reason) throws Exception {
        for (ViewerClient socket : new ViewerClient[] {doctor, patient}) {
            JsonNode ended = JSON.readTree(socket.nextOfType("ended", WAIT));
            assertEquals(reason, ended.path("reason").asText());
            assertEquals(1000, socket.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Override
    public void close() {
        doctor.close();
        patient.close();
    }
}

package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.bloodpressure.MonitorError;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.protocol.KioskId;

/**
 * Measurement commands end to end: the doctor issues them over HTTPS, the broker publishes them over MQTT (QoS 1,
 * message expiry) through embedded HiveMQ to a real agent with simulated sensors (real drivers, sampler, outbox,
 * Paho over TLS), whose updates and readings come back through the intake; the doctor follows them with
 * {@code GET /api/v1/consultations/{id}/commands}. Includes a sensor fault mid-measurement, a kiosk that is offline
 * past the command's expiry (it never runs it) and one that returns in time (it runs it).
 */
class CommandSystemTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    private RestClient rest;
    private Map<String, String> bearer;
    private ConsultationId consultation;

    /** A doctor, a room consultation for {@code kiosk}, and its patient called in and admitted. */
    private void consultationInCall(KioskId kiosk, String doctorLogin) {
        AccessServices access = BROKER.broker().access();
        Account admin = admin(access);
        Account doctor = ((AccountCreation.Created) access.accounts().createAccount(admin,
                LoginName.of(doctorLogin), DisplayName.of("Dr. " + doctorLogin), Role.DOCTOR,
                Password.of(doctorLogin + " password 1"))).account();
        rest = new RestClient(BROKER);
        bearer = Map.of("Authorization", "Bearer " + rest.login(doctorLogin, doctorLogin + " password 1"));
        RestClient.Reply created = rest.send("POST", "/api/v1/consultations", "{\"kiosk\":\"" + kiosk.value() + "\"}",
                bearer);
        assertEquals(201, created.status(), created.json().toString());
        consultation = ConsultationId.of(created.json().path("id").asText());
        Joined joined = done(access.waitingRoom().callIn(new Caller.Kiosk(kiosk), Optional.empty()));
        done(access.waitingRoom().admit(new Caller.Staff(doctor), consultation, joined.participant()));
    }

    private static Account admin;

    private static synchronized Account admin(AccessServices access) {
        if (admin == null) {
            admin = ((AccountCreation.Created) access.accounts().createFirstAdmin(LoginName.of("admin"),
                    DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        }
        return admin;
    }

    private String issue(String body) {
        RestClient.Reply issued = rest.send("POST", "/api/v1/consultations/" + consultation + "/commands", body,
                bearer);
        assertEquals(202, issued.status(), issued.json().toString());
        assertEquals("queued", issued.json().path("state").asText());
        return issued.json().path("id").asText();
    }

    private JsonNode command(String id) {
        RestClient.Reply list = rest.send("GET", "/api/v1/consultations/" + consultation + "/commands", null, bearer);
        assertEquals(200, list.status(), list.json().toString());
        for (JsonNode c : list.json().path("commands")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("command " + id + " not listed: " + list.json());
    }

    private JsonNode awaitState(String id, String state) {
        await().atMost(WAIT).until(() -> command(id).path("state").asText().equals(state));
        return command(id);
    }

    @Test
    void aCommandTravelsToTheKioskRunsAndItsResultIsStoredAndAFaultMidMeasurementFailsWithItsReason()
            throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-cmd-a");
        consultationInCall(kiosk, "dr.weber");
        AgentConfig config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sensor.bp-monitor.check-interval=1s");
        try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 42)) {
            hardware.startClock();
            try (Agent agent = Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime)) {
                await().atMost(WAIT).until(() -> BROKER.broker().mqtt().isConnected(kiosk));
                String bp = issue("{\"kind\":\"blood-pressure\"}");
                JsonNode done = awaitState(bp, "done");
                assertEquals(4, done.path("resultSeqs").size(), done.toString());
                await().atMost(WAIT).until(() -> command(bp).path("results").size() == 4);
                JsonNode systolic = command(bp).path("results").get(0);
                assertEquals("8480-6", systolic.path("loinc").asText());
                assertEquals(120.0, systolic.path("value").asDouble());

                hardware.bloodPressureMonitor().failNextMeasurement(MonitorError.CUFF_LOOSE);
                String failing = issue("{\"kind\":\"blood-pressure\"}");
                JsonNode failed = awaitState(failing, "failed");
                assertTrue(failed.path("reason").asText().contains("cuff loose"), failed.toString());
            }
        }
    }

    @Test
    void aKioskOfflinePastTheExpiryNeverRunsTheCommandAndOneBackInTimeRunsIt() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-cmd-b");
        consultationInCall(kiosk, "dr.schulz");
        AgentConfig config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=500ms");
        try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 7)) {
            hardware.startClock();
            // Connect once so that HiveMQ holds the kiosk's session (clean start 0, session expiry), then go away.
            try (Agent agent = Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime)) {
                await().atMost(WAIT).until(() -> BROKER.broker().mqtt().isConnected(kiosk));
            }
            await().atMost(WAIT).until(() -> !BROKER.broker().mqtt().isConnected(kiosk));

            String stale = issue("{\"kind\":\"temperature\",\"expiresInSeconds\":3}");
            JsonNode expired = awaitState(stale, "expired");
            assertEquals("the kiosk did not start it before it expired", expired.path("reason").asText());
            String waiting = issue("{\"kind\":\"weight\",\"expiresInSeconds\":120}");

            try (Agent agent = Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime)) {
                JsonNode weighed = awaitState(waiting, "done");
                assertEquals(1, weighed.path("resultSeqs").size(), weighed.toString());
                // Commands run in order on one worker and queued messages come in order: had the expired one
                // reached the kiosk and run, its report would be in by now.
                JsonNode after = command(stale);
                assertEquals("expired", after.path("state").asText());
                assertEquals(0, after.path("resultSeqs").size(), after.toString());
                assertEquals(expired.path("updatedAt").asText(), after.path("updatedAt").asText());
            }
        }
    }
}

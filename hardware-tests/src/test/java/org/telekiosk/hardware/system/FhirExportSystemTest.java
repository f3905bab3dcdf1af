package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.FhirValidation;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * The FHIR export end to end: a simulated kiosk with all five sensors (real drivers, sampler, outbox, Paho uplink
 * over TLS) streams to a real broker (embedded HiveMQ, intake, SQLite store) while its patient is in a consultation's
 * call; the doctor ends the consultation and fetches {@code GET /api/v1/consultations/{id}/fhir} over HTTPS, and
 * HAPI's validator finds no error in the bundle.
 */
class FhirExportSystemTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A broker of its own: this class checks the readings the kiosk sends over MQTT during the call ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    @Test
    void whatASimulatedKioskMeasuredDuringTheCallIsExportedAsAValidFhirBundle() throws Exception {
        KioskId kiosk = KioskId.of("system-kiosk-fhir");
        AccessServices access = BROKER.broker().access();
        // The broker is shared with other system tests: its first admin is made once, by the fixture.
        Account doctor = VitalsFixture.account(access, "dr.fhir-export", Role.DOCTOR);
        RestClient rest = new RestClient(BROKER);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + rest.login("dr.fhir-export",
                VitalsFixture.PASSWORD));
        RestClient.Reply created = rest.send("POST", "/api/v1/consultations", "{\"kiosk\":\"" + kiosk.value() + "\"}",
                bearer);
        assertEquals(201, created.status(), created.json().toString());
        ConsultationId id = ConsultationId.of(created.json().path("id").asText());

        AgentConfig config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=500ms",
                "sensor.max30102.result-interval=2s", "sensor.bp-monitor.check-interval=1s");
        Instant admitted;
        Instant ended;
        try (SimulatedKiosk hardware = new SimulatedKiosk(config.sensors(), SimulatedPatient.DEFAULT, 42)) {
            hardware.startClock();
            try (Agent agent = Agent.start(config, hardware.kioskSensors(), Clock.systemUTC(), System::nanoTime)) {
                // The kiosk calls its patient in (as its page does over signaling) and the doctor admits them.
                Joined joined = done(access.waitingRoom().callIn(new Caller.Kiosk(kiosk), Optional.empty()));
                done(access.waitingRoom().admit(new Caller.Staff(doctor), id, joined.participant()));
                admitted = Instant.now();
                agent.measureBloodPressure().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                MeasurementStore store = BROKER.broker().store();
                await().atMost(WAIT).until(() -> storedSince(store, kiosk, admitted).containsAll(Set.of("8310-5",
                        "29463-7", "59408-5", "8867-4", "8480-6", "8462-4", Signal.ECG.name(), Signal.PLETH.name())));
                RestClient.Reply end = rest.send("POST", "/api/v1/consultations/" + id + "/end", null, bearer);
                assertEquals(200, end.status(), end.json().toString());
                ended = Instant.parse(end.json().path("endedAt").asText());
            }
        }

        RestClient.Reply export = rest.send("GET", "/api/v1/consultations/" + id + "/fhir", null, bearer);

        assertEquals(200, export.status());
        // The broker's own record of the admission (the export's lower bound), to the millisecond FHIR carries.
        Instant admittedAt = done(access.consultations().exportHistory(new Caller.Staff(doctor), id, "test"))
                .calls().getFirst().admittedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        assertEquals("application/fhir+json; charset=utf-8", export.header("Content-Type"));
        assertEquals(List.of(), FhirValidation.errors(export.raw().body()));
        Set<String> codes = new HashSet<>();
        for (JsonNode entry : export.json().path("entry")) {
            JsonNode resource = entry.path("resource");
            if (!resource.path("resourceType").asText().equals("Observation")) {
                continue;
            }
            resource.path("code").path("coding").forEach(c -> codes.add(c.path("code").asText()));
            Instant at = Instant.parse(resource.path("effectiveDateTime").asText());
            assertFalse(at.isBefore(admittedAt) || at.isAfter(ended), "taken at " + at + ", admitted at "
                    + admittedAt + ", ended at " + ended);
            assertTrue(resource.path("device").path("reference").asText().startsWith("urn:uuid:"));
        }
        assertTrue(codes.containsAll(Set.of("85354-9", "2708-6", "59408-5", "8867-4", "8310-5", "29463-7", "131329",
                "150452")), "codes exported: " + codes);
    }

    /** The LOINC codes of the kiosk's measurements and the signals of its waveforms stored since {@code from}. */
    private static Set<String> storedSince(MeasurementStore store, KioskId kiosk, Instant from) {
        Instant to = Instant.now().plusSeconds(1);
        Set<String> kinds = new HashSet<>();
        store.measurements(kiosk, from, to).join().stream().map(Measurement::loinc).forEach(l -> kinds.add(l.value()));
        store.waveforms(kiosk, from, to).join().forEach(w -> kinds.add(w.signal().name()));
        return kinds;
    }
}

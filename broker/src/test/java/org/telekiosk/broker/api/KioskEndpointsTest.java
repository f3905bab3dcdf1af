package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.qrcode.QrCode;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.topic.Topics;

/** The technician's kiosk endpoints through a real broker: what they answer, beyond who may call them. */
class KioskEndpointsTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    static RestClient client;
    static Map<String, String> technician;

    @BeforeAll
    static void technician() {
        client = new RestClient(BROKER);
        var accounts = BROKER.broker().access().accounts();
        Account admin = ((AccountCreation.Created) accounts.createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        accounts.createAccount(admin, LoginName.of("tech.meyer"), DisplayName.of("Tom Meyer"), Role.TECHNICIAN,
                Password.of("meyer password 1"));
        technician = Map.of("Authorization", "Bearer " + client.login("tech.meyer", "meyer password 1"));
        accounts.createAccount(admin, LoginName.of("dr.rooms"), DisplayName.of("Dr. Rooms"), Role.DOCTOR,
                Password.of("rooms password 1"));
        doctor = Map.of("Authorization", "Bearer " + client.login("dr.rooms", "rooms password 1"));
    }

    static Map<String, String> doctor;

    @Test
    void aDoctorSeesEveryEnrolledKioskThatIsNotRevokedAsARoomByLabelAndNothingOfItsCertificate() throws Exception {
        TestKiosk.enroll(BROKER, KioskId.of("wmk-room-01"), BROKER.broker().enrollment().createToken(
                KioskId.of("wmk-room-01"), "Zimmer A, Wismar", AuditActor.system()).line());
        TestKiosk.enroll(BROKER, KioskId.of("wmk-room-02"));
        assertEquals(200, client.send("POST", "/api/v1/kiosks/wmk-room-02/revocation", null, technician).status());

        RestClient.Reply reply = client.send("GET", "/api/v1/rooms", null, doctor);

        assertEquals(200, reply.status(), reply.json().toString());
        JsonNode room = null;
        for (JsonNode r : reply.json().path("rooms")) {
            assertFalse(r.path("kiosk").asText().equals("wmk-room-02"), "a revoked kiosk is no room: " + r);
            if (r.path("kiosk").asText().equals("wmk-room-01")) {
                room = r;
            }
        }
        assertTrue(room != null, reply.json().toString());
        assertEquals("Zimmer A, Wismar", room.path("label").asText());
        assertFalse(room.path("online").asBoolean());
        java.util.Set<String> fields = new java.util.HashSet<>();
        room.fieldNames().forEachRemaining(fields::add);
        assertEquals(java.util.Set.of("kiosk", "label", "online"), fields);
    }

    @Test
    void aTokenIsShownOnceAsALineForTheKioskAndAsItsQrCodeAndEnrollsTheKiosk() throws Exception {
        RestClient.Reply reply = client.send("POST", "/api/v1/kiosks/wmk-flur-02/enrollment-tokens",
                "{\"label\":\"Flur 2\"}", technician);

        assertEquals(201, reply.status(), reply.json().toString());
        String line = reply.json().path("token").asText();
        EnrollmentToken token = EnrollmentToken.parse(line);
        assertEquals(KioskId.of("wmk-flur-02"), token.kiosk());
        assertEquals("wmk-flur-02", reply.json().path("kioskId").asText());
        assertTrue(Instant.parse(reply.json().path("expiresAt").asText()).isAfter(Instant.now()));
        JsonNode rows = reply.json().path("qrCode");
        int size = rows.size();
        assertTrue(size >= 21 && (size - 17) % 4 == 0, "a QR code's side: " + size);
        rows.forEach(row -> assertTrue(row.asText().matches("[01]{" + size + "}")));
        assertEquals(QrCode.encode(line).rows().getFirst(), rows.get(0).asText());

        // Audited in the SQL audit log the accounts' events go to, with the technician's account as actor.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> BROKER.broker()
                .access().audit().since(Instant.EPOCH).stream().anyMatch(e -> e.action()
                        == AuditAction.ENROLLMENT_TOKEN_CREATED
                        && e.subject().equals("kiosk:wmk-flur-02") && e.actor().value().startsWith("account:")
                        && !e.detail().contains(line)));

        TestKiosk.enroll(BROKER, KioskId.of("wmk-flur-02"), line);
        JsonNode kiosk = fleetEntry("wmk-flur-02");
        assertEquals("Flur 2", kiosk.path("label").asText());
        assertFalse(kiosk.path("revoked").asBoolean());
    }

    @Test
    void theFleetShowsEachKiosksCertificateOnlineStateAndLastSeen() throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("wmk-lab-05"));
        var mqtt = kiosk.connect(BROKER);
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> fleetEntry("wmk-lab-05").path("online").asBoolean());
            JsonNode entry = fleetEntry("wmk-lab-05");
            assertEquals(kiosk.certificate().getNotAfter().toInstant(),
                    Instant.parse(entry.path("certificateExpiresAt").asText()));
            assertEquals(kiosk.certificate().getSerialNumber().toString(16),
                    entry.path("certificateSerial").asText().toLowerCase(java.util.Locale.ROOT).replaceFirst("^0+", ""));
            assertFalse(entry.path("lastSeen").isNull());
            assertTrue(entry.path("revokedAt").isNull());
            assertTrue(entry.path("report").isNull(), "no status sent yet: " + entry);

            // The kiosk reports a lost reading, an outbox it found truncated and a faulty scale: the technician sees it.
            var status = new KioskStatus(KioskId.of("wmk-lab-05"), Instant.now(),
                    java.util.List.of(new SensorHealth(
                            SensorId.of("scale"),
                            SensorState.FAULTY, "HX711 not ready")), 3, 41,
                    "outbox was truncated; 2 readings recovered");
            mqtt.publish(Topics.status(KioskId.of("wmk-lab-05")),
                    WireCodec.cbor(4096).encode(status), 1, false);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !fleetEntry("wmk-lab-05").path("report").isNull());
            JsonNode report = fleetEntry("wmk-lab-05").path("report");
            assertEquals(41, report.path("dropped").asLong(), report.toString());
            assertEquals(3, report.path("queued").asLong());
            assertEquals("outbox was truncated; 2 readings recovered", report.path("outboxFault").asText());
            assertEquals("scale", report.path("sensors").get(0).path("sensor").asText());
            assertEquals("faulty", report.path("sensors").get(0).path("state").asText());
            assertEquals("HX711 not ready", report.path("sensors").get(0).path("detail").asText());
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    @Test
    void aRevocationMarksTheKioskRevokedAndASecondOneIsNotFound() throws Exception {
        TestKiosk.enroll(BROKER, KioskId.of("wmk-lab-07"));

        RestClient.Reply revoked = client.send("POST", "/api/v1/kiosks/wmk-lab-07/revocation", null, technician);
        assertEquals(200, revoked.status(), revoked.json().toString());
        assertTrue(revoked.json().path("revoked").asBoolean());
        assertFalse(revoked.json().path("revokedAt").isNull());
        assertTrue(fleetEntry("wmk-lab-07").path("revoked").asBoolean());
        assertTrue(BROKER.broker().kiosks().state().kiosk(KioskId.of("wmk-lab-07")).orElseThrow().revoked());

        RestClient.Reply again = client.send("POST", "/api/v1/kiosks/wmk-lab-07/revocation", null, technician);
        assertEquals(404, again.status());
        assertEquals("not-found", again.json().path("code").asText());
        assertEquals(404, client.send("POST", "/api/v1/kiosks/never-seen/revocation", null, technician).status());
    }

    @Test
    void badInputIsAProblemAnswer() {
        RestClient.Reply badId = client.send("POST", "/api/v1/kiosks/Not_A_Kiosk/enrollment-tokens",
                "{\"label\":\"x\"}", technician);
        assertEquals(400, badId.status());
        assertEquals("application/problem+json", badId.header("Content-Type"));
        assertEquals(400, client.send("POST", "/api/v1/kiosks/wmk-lab-09/enrollment-tokens", "{}", technician)
                .status(), "a label is required");
        assertEquals(400, client.send("POST", "/api/v1/kiosks/wmk-lab-09/enrollment-tokens",
                "{\"label\":\"\\u0007bell\"}", technician).status(), "no control characters in a label");
        assertEquals(400, client.send("POST", "/api/v1/kiosks/wmk-lab-09/enrollment-tokens",
                "{\"label\":\"x\",\"extra\":1}", technician).status(), "strict JSON");
        assertEquals(405, client.send("GET", "/api/v1/kiosks/wmk-lab-09/revocation", null, technician).status());
        assertEquals(405, client.send("DELETE", "/api/v1/kiosks", null, technician).status());
    }

    private static JsonNode fleetEntry(String id) {
        RestClient.Reply fleet = client.send("GET", "/api/v1/kiosks", null, technician);
        assertEquals(200, fleet.status());
        for (JsonNode kiosk : fleet.json().path("kiosks")) {
            if (kiosk.path("id").asText().equals(id)) {
                return kiosk;
            }
        }
        throw new AssertionError(id + " not in the fleet: " + fleet.json());
    }
}

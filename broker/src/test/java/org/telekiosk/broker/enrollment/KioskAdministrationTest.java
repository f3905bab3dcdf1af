package org.telekiosk.broker.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;

/** The technician's operations and who may call them. */
class KioskAdministrationTest {
    static final KioskId KIOSK = KioskId.of("adm-kiosk-01");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    EnrollmentService enrollment;
    KioskAdministration admin;
    final KioskStatusBoard board = new KioskStatusBoard();

    static Caller staff(Role role) {
        return new Caller.Staff(new Account(AccountId.random(), LoginName.of("user-" + role.name().toLowerCase()),
                DisplayName.of("User"), role));
    }

    @BeforeEach
    void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        KioskRegistry registry = org.telekiosk.broker.testing.TestRegistry.open(dir);
        enrollment = new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()), audit, clock,
                random, new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30), "ssl://localhost:8883",
                "https://localhost:8443/api/v1/renew"), () -> { });
        admin = new KioskAdministration(enrollment, registry, Set.of(KIOSK)::contains, board::latest);
    }

    @Test
    void aTechnicianCreatesATokenListsTheFleetAndRevokesAKiosk() throws Exception {
        Caller technician = staff(Role.TECHNICIAN);
        var issued = assertInstanceOf(Outcome.Done.class, admin.createToken(technician, KIOSK, "Lab 1"));
        var token = (KioskAdministration.IssuedToken) issued.value();
        assertEquals(clock.instant().plus(Duration.ofHours(24)), token.expiresAt());
        assertInstanceOf(Issued.class, enrollment.enroll(new EnrollmentRequest(token.token(),
                TestKiosk.csr(TestKiosk.p256(), "CN=" + KIOSK.value(), "SHA256withECDSA")), AuditActor.system()));

        var fleet = (Outcome.Done<List<KioskAdministration.FleetEntry>>) admin.fleet(technician);
        KioskAdministration.FleetEntry entry = fleet.value().getFirst();
        assertEquals("adm-kiosk-01", entry.kioskId());
        assertEquals("Lab 1", entry.label());
        assertTrue(entry.online());
        assertEquals(clock.instant().plus(Duration.ofDays(30)), entry.notAfter());

        var revoked = (Outcome.Done<KioskAdministration.FleetEntry>) admin.revoke(technician, KIOSK);
        assertEquals(clock.instant(), revoked.value().revokedAt());
        assertInstanceOf(Refusal.NotFound.class, ((Outcome.Refused<?>) admin.revoke(technician, KIOSK)).refusal());
        assertTrue(audit.events().stream().anyMatch(e -> e.action() == AuditAction.KIOSK_REVOKED
                && e.actor().value().startsWith("account:")));
    }

    @Test
    void theFleetShowsWhatEachKioskLastReportedAboutItsSensorsAndItsOutbox() throws Exception {
        Caller technician = staff(Role.TECHNICIAN);
        var issued = (Outcome.Done<KioskAdministration.IssuedToken>) admin.createToken(technician, KIOSK, "Lab 1");
        enrollment.enroll(new EnrollmentRequest(issued.value().token(),
                TestKiosk.csr(TestKiosk.p256(), "CN=" + KIOSK.value(), "SHA256withECDSA")), AuditActor.system());
        var before = (Outcome.Done<List<KioskAdministration.FleetEntry>>) admin.fleet(technician);
        assertTrue(before.value().getFirst().status().isEmpty(), "no status yet");

        var sensors = List.of(new SensorHealth(SensorId.of("thermometer"), SensorState.PRESENT, ""),
                new SensorHealth(SensorId.of("scale"), SensorState.FAULTY, "HX711 not ready"));
        board.accept(new KioskStatus(KIOSK, clock.instant(), sensors, 12, 7,
                "outbox was truncated; 40 readings recovered"));
        // An older status, redelivered after a reconnect, does not replace the newer one.
        board.accept(new KioskStatus(KIOSK, clock.instant().minusSeconds(5), List.of(), 99, 0));

        var fleet = (Outcome.Done<List<KioskAdministration.FleetEntry>>) admin.fleet(technician);
        KioskStatus status = fleet.value().getFirst().status().orElseThrow();
        assertEquals(7, status.dropped());
        assertEquals(12, status.queued());
        assertEquals("outbox was truncated; 40 readings recovered", status.outboxFault());
        assertEquals(sensors, status.sensors());
    }

    @ParameterizedTest
    @EnumSource(value = Role.class, names = {"DOCTOR", "ADMIN"})
    void otherRolesAreForbidden(Role role) {
        Caller caller = staff(role);
        assertInstanceOf(Refusal.Forbidden.class, ((Outcome.Refused<?>) admin.createToken(caller, KIOSK, "x")).refusal());
        assertInstanceOf(Refusal.Forbidden.class, ((Outcome.Refused<?>) admin.fleet(caller)).refusal());
        assertInstanceOf(Refusal.Forbidden.class, ((Outcome.Refused<?>) admin.revoke(caller, KIOSK)).refusal());
    }

    @Test
    void withoutASessionTheAnswerIsNotAuthenticatedAndKiosksAndPatientsAreForbidden() {
        assertInstanceOf(Refusal.NotAuthenticated.class,
                ((Outcome.Refused<?>) admin.createToken(new Caller.Anonymous(), KIOSK, "x")).refusal());
        assertInstanceOf(Refusal.Forbidden.class,
                ((Outcome.Refused<?>) admin.createToken(new Caller.Kiosk(KIOSK), KIOSK, "x")).refusal());
        assertInstanceOf(Refusal.Forbidden.class, ((Outcome.Refused<?>) admin.fleet(
                new Caller.Patient(ConsultationId.random(), ParticipantId.random()))).refusal());
    }

    @Test
    void anEmptyLabelIsAnInvalidRequest() {
        var refused = (Outcome.Refused<?>) admin.createToken(staff(Role.TECHNICIAN), KIOSK, " ");
        assertTrue(((Refusal.InvalidRequest) refused.refusal()).message().contains("label"));
    }
}

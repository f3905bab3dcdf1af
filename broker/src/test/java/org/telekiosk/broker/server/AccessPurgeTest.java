package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;
import org.telekiosk.protocol.KioskId;

/** One purge round on the real services over SQLite, with a clock the test moves past each deadline. */
class AccessPurgeTest {
    @TempDir
    Path dir;

    @Test
    void aRoundEndsConsultationsPastTheirWindowThenDeletesThemAndOldAuditEntriesAfterTheirRetention()
            throws Exception {
        MutableClock clock = MutableClock.startingAt("2026-11-22T08:00:00Z");
        Instant start = clock.instant();
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        AccessServices services = TestHashing.open(new SqlAccess(database), new AccessConfig(Duration.ofHours(12),
                Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(60),
                Duration.ofDays(2), Duration.ofDays(3), Duration.ofMinutes(1), 8, 1), dir, new SecureRandom(), clock);
        Account admin = ((AccountCreation.Created) services.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        Account doctor = ((AccountCreation.Created) services.accounts().createAccount(admin,
                LoginName.of("dr.weber"), DisplayName.of("Dr. Weber"), Role.DOCTOR, Password.of("weber password 1")))
                .account();
        Caller.Staff asDoctor = new Caller.Staff(doctor);
        Consultation consultation = ((Outcome.Done<Consultation>) services.consultations().create(asDoctor,
                new ConsultationTarget.Room(KioskId.of("wmk-lab-03")), Optional.empty()))
                .value();
        services.codes().issue(asDoctor, consultation.id());
        var session = services.sessions().start(doctor.id());
        AccessPurge purge = AccessPurge.every(Duration.ofDays(1), services, clock);
        try {
            clock.advance(Duration.ofHours(1));
            purge.runOnce();
            assertEquals(ConsultationState.ENDED, ((Outcome.Done<Consultation>) services.consultations()
                    .get(asDoctor, consultation.id())).value().state());
            assertInstanceOf(SessionLookup.Refused.class, services.sessions().lookup(session.token()),
                    "idle for an hour: purged");

            clock.advance(Duration.ofDays(2).plusSeconds(1));
            purge.runOnce();
            assertInstanceOf(Outcome.Refused.class, services.consultations().get(asDoctor, consultation.id()),
                    "deleted two days after it ended");
            assertTrue(services.audit().since(start).stream()
                    .anyMatch(e -> e.action() == AuditAction.CONSULTATION_ENDED));

            clock.advance(Duration.ofDays(1));
            purge.runOnce();
            assertEquals(0, services.audit().since(start).stream()
                    .filter(e -> e.at().isBefore(clock.instant().minus(Duration.ofDays(3)))).count());
            assertTrue(services.audit().since(start).isEmpty(), "every entry was older than three days");
        } finally {
            purge.close();
        }
    }
}

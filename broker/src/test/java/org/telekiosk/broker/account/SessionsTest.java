package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
    final AccountTestKit kit = new AccountTestKit();
    final Account doctor = kit.create(kit.admin(), "dr.weber", Role.DOCTOR, "lange genug 123");

    @Test
    void aFreshTokenOpensItsAccountWithItsRole() {
        IssuedSession session = kit.sessions.start(doctor.id());
        var active = assertInstanceOf(SessionLookup.Active.class, kit.sessions.lookup(session.token()));
        assertEquals(doctor, active.account());
        assertEquals(Role.DOCTOR, active.account().role());
        assertEquals(kit.clock.instant().plus(Duration.ofHours(12)), active.expiresAt());
        assertEquals(kit.clock.instant().plus(Duration.ofMinutes(30)), active.idleDeadline());
    }

    @Test
    void aSessionUnusedForThirtyMinutesIsRefusedAsIdle() {
        IssuedSession session = kit.sessions.start(doctor.id());
        kit.clock.advance(Duration.ofMinutes(29));
        assertInstanceOf(SessionLookup.Active.class, kit.sessions.lookup(session.token()));
        kit.clock.advance(Duration.ofMinutes(30));
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.IDLE), kit.sessions.lookup(session.token()));
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN), kit.sessions.lookup(session.token()),
                "an idle session is deleted, not revived");
    }

    @Test
    void eachUseMovesTheIdleDeadlineButNeverTheAbsoluteExpiry() {
        IssuedSession session = kit.sessions.start(doctor.id());
        for (int i = 0; i < 24; i++) {
            kit.clock.advance(Duration.ofMinutes(29));
            assertInstanceOf(SessionLookup.Active.class, kit.sessions.lookup(session.token()), "use " + i);
        }
        kit.clock.advance(Duration.ofMinutes(25)); // 24 × 29 min + 25 min = 12 h 1 min after login
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.EXPIRED), kit.sessions.lookup(session.token()));
    }

    @Test
    void aUseIsWrittenAtMostOncePerMinuteAndTheSessionStillGoesIdle() {
        IssuedSession session = kit.sessions.start(doctor.id());
        Instant started = kit.clock.instant();
        kit.clock.advance(Duration.ofSeconds(30));
        kit.sessions.lookup(session.token());
        kit.clock.advance(Duration.ofSeconds(20));
        var unwritten = (SessionLookup.Active) kit.sessions.lookup(session.token());
        assertEquals(0, kit.sessionStore.touches.get(), "two uses within a minute of the login write nothing");
        assertEquals(started.plus(Duration.ofMinutes(30)), unwritten.idleDeadline(), "the deadline that is stored");

        kit.clock.advance(Duration.ofSeconds(20)); // 70 s after login
        var written = (SessionLookup.Active) kit.sessions.lookup(session.token());
        kit.clock.advance(Duration.ofSeconds(59));
        kit.sessions.lookup(session.token());
        assertEquals(1, kit.sessionStore.touches.get());
        assertEquals(started.plus(Duration.ofSeconds(70)).plus(Duration.ofMinutes(30)), written.idleDeadline());

        kit.clock.advance(Duration.ofMinutes(30).minusSeconds(59)); // 30 min after the written use
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.IDLE), kit.sessions.lookup(session.token()));
    }

    @Test
    void theIdleDeadlineReportedNeverPassesTheAbsoluteExpiry() {
        IssuedSession session = kit.sessions.start(doctor.id());
        for (int i = 0; i < 28; i++) {
            kit.clock.advance(Duration.ofMinutes(25));
            kit.sessions.lookup(session.token());
        }
        kit.clock.advance(Duration.ofMinutes(10)); // 11 h 50 min after login
        var active = (SessionLookup.Active) kit.sessions.lookup(session.token());
        assertEquals(session.expiresAt(), active.idleDeadline());
    }

    @Test
    void endingASessionRevokesItsTokenAndNoOther() {
        IssuedSession first = kit.sessions.start(doctor.id());
        IssuedSession second = kit.sessions.start(doctor.id());
        assertTrue(kit.sessions.end(first.token()));
        assertFalse(kit.sessions.end(first.token()));
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN), kit.sessions.lookup(first.token()));
        assertInstanceOf(SessionLookup.Active.class, kit.sessions.lookup(second.token()));
        assertEquals(1, kit.sessions.endAll(doctor.id()));
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN), kit.sessions.lookup(second.token()));
    }

    @Test
    void onlyTheHashOfATokenIsStoredAndATokenNeverPrintsItself() {
        IssuedSession session = kit.sessions.start(doctor.id());
        assertTrue(kit.sessionStore.find(session.token().hash()).isPresent());
        assertEquals(43, session.token().value().length());
        assertFalse(session.toString().contains(session.token().value()));
        assertTrue(OpaqueToken.parse("not a token").isEmpty());
        assertTrue(OpaqueToken.parse(session.token().value()).isPresent());
    }

    @Test
    void purgeDeletesIdleAndExpiredSessionsOnly() {
        kit.sessions.start(doctor.id());
        kit.clock.advance(Duration.ofMinutes(31));
        IssuedSession fresh = kit.sessions.start(doctor.id());
        assertEquals(1, kit.sessions.purge());
        assertInstanceOf(SessionLookup.Active.class, kit.sessions.lookup(fresh.token()));
    }
}

package org.telekiosk.broker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryAuditLogTest {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @Test
    void eventsOlderThanTheRetentionCutoffArePurgedAndTheRestKeptInOrder() {
        InMemoryAuditLog log = new InMemoryAuditLog();
        AuditEvent old = new AuditEvent(T0, AuditActor.system(), AuditAction.CONSULTATION_ENDED, "consultation:a", "");
        AuditEvent recent = new AuditEvent(T0.plus(Duration.ofDays(100)), AuditActor.account("x"), AuditAction.LOGIN,
                "login:dr.weber", "");
        log.record(old);
        log.record(recent);
        assertEquals(1, log.purgeBefore(T0.plus(Duration.ofDays(90))));
        assertEquals(List.of(recent), log.events());
        assertEquals(List.of(recent), log.since(T0.plus(Duration.ofDays(100))));
    }
}

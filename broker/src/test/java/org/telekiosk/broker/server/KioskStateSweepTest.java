package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.kiosk.AgentVersions;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/** The node's sweep reaches every part, with one test of "revoked" per sweep, and a failing part stops no other. */
class KioskStateSweepTest {
    final Set<KioskId> revoked = ConcurrentHashMap.newKeySet();
    final KioskStateSweep sweep = new KioskStateSweep(() -> Set.copyOf(revoked)::contains);

    @Test
    void eachSweepPrunesEveryPartAndARevocationForgetsAtOnce() {
        KioskStatusBoard statuses = new KioskStatusBoard();
        AgentVersions agents = new AgentVersions();
        PerKioskState failing = new PerKioskState() {
            @Override
            public int prune(Predicate<KioskId> retired) {
                throw new IllegalStateException("broken part");
            }

            @Override
            public void forget(KioskId kiosk) {
                throw new IllegalStateException("broken part");
            }

            @Override
            public int kioskCount() {
                return 0;
            }
        };
        sweep.add(failing).addAll(List.of(statuses, agents));
        for (int i = 0; i < 100; i++) {
            statuses.accept(new KioskStatus(KioskId.of("k-" + i), Instant.EPOCH, List.of(), 0, 0, "", 0));
        }
        revoked.add(KioskId.of("k-1"));
        revoked.add(KioskId.of("k-2"));
        assertEquals(2, sweep.sweep());
        assertEquals(98, statuses.kioskCount());

        sweep.forget(KioskId.of("k-3"));
        assertEquals(97, statuses.kioskCount());
        assertEquals(97, sweep.kioskCounts().get("KioskStatusBoard"));
    }
}

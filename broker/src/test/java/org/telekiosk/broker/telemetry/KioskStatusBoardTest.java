package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The status board keeps a kiosk's latest status while the kiosk is enrolled and drops it once it is revoked: kiosks
 * replaced over the years leave nothing behind, and a kiosk that stays keeps what the fleet view shows.
 */
class KioskStatusBoardTest {
    static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    final KioskStatusBoard board = new KioskStatusBoard();

    static KioskStatus status(KioskId kiosk, Instant at, long queued) {
        return new KioskStatus(kiosk, at, List.of(), queued, 1, "", 0);
    }

    @Test
    void revokedKiosksAreDroppedAndTheOthersKept() {
        for (int i = 0; i < 2_000; i++) {
            board.accept(status(KioskId.of("churn-" + i), T, 2));
        }
        KioskId stays = KioskId.of("stays-1");
        board.accept(status(stays, T, 7));
        assertEquals(2_001, board.kioskCount());

        assertEquals(2_000, board.prune(k -> k.value().startsWith("churn-")));
        assertEquals(Set.of(stays), Set.of(board.latest(stays).orElseThrow().kiosk()));
        assertEquals(1, board.kiosks());
        assertEquals(7, board.queued(), "the totals count the kiosks kept only");
        assertEquals(1, board.dropped());
    }

    @Test
    void aKioskThatStaysKeepsItsNewestStatusAcrossPrunes() {
        KioskId kiosk = KioskId.of("stays-1");
        board.accept(status(kiosk, T.plusSeconds(10), 3));
        board.prune(k -> false);
        board.accept(status(kiosk, T, 9)); // redelivered after a reconnect: older
        board.prune(k -> false);
        assertEquals(3, board.latest(kiosk).orElseThrow().queued());
    }

    @Test
    void forgettingARevokedKioskLeavesItsIdWithoutAStatus() {
        KioskId kiosk = KioskId.of("revoked-1");
        board.accept(status(kiosk, T, 3));
        board.forget(kiosk);
        assertTrue(board.latest(kiosk).isEmpty());
        assertEquals(0, board.kioskCount());
        board.accept(status(kiosk, T.minusSeconds(60), 1));
        assertEquals(1, board.latest(kiosk).orElseThrow().queued(), "enrolled again: its first status counts");
    }
}

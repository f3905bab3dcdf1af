package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * What a revoked kiosk had in flight: acknowledged and gone behind a subscription (a redelivery would be dropped
 * again), but failed with the in-process intake, which answers it 0x97, so that a kiosk that deletes on a PUBACK 0x00
 * keeps it for its next enrollment.
 */
class RevokedKioskFilterTest {
    private static final KioskId REVOKED = KioskId.of("wmk-lab-03");
    private static final KioskId IN_SERVICE = KioskId.of("wmk-lab-04");

    private final List<KioskMessage> passed = new ArrayList<>();
    private final MessageSink downstream = message -> {
        passed.add(message);
        return CompletableFuture.completedFuture(null);
    };

    private static Measurement reading(KioskId kiosk) {
        return new Measurement(kiosk, 7, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.8, UcumUnit.CELSIUS,
                Instant.parse("2026-12-06T12:00:00Z"));
    }

    @Test
    void behindASubscriptionARevokedKiosksReadingIsAcknowledgedAndDropped() throws Exception {
        RevokedKioskFilter filter = new RevokedKioskFilter(downstream, REVOKED::equals);
        filter.take(reading(REVOKED)).toCompletableFuture().get();
        assertTrue(passed.isEmpty());
        assertEquals(1, filter.dropped());
    }

    @Test
    void withTheInProcessIntakeARevokedKiosksReadingFailsSoThatTheKioskKeepsIt() {
        RevokedKioskFilter filter = new RevokedKioskFilter(downstream, REVOKED::equals, true);
        CompletionStage<Void> taken = filter.take(reading(REVOKED));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> taken.toCompletableFuture().get());
        assertInstanceOf(RevokedKioskFilter.Revoked.class, failed.getCause());
        assertTrue(passed.isEmpty(), "not stored");
        assertEquals(1, filter.dropped());

        filter.take(reading(IN_SERVICE)).toCompletableFuture().join();
        assertEquals(List.of(reading(IN_SERVICE)), passed);
    }
}

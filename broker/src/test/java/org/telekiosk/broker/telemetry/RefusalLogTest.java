package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.topic.Topics;

/**
 * Refused MQTT messages are logged with their code, at most once per kiosk and code a minute, the rest summed up in
 * one line when the minute is over; counts stay exact.
 */
class RefusalLogTest {
    static final KioskId NOISY = KioskId.of("noisy-kiosk");
    static final KioskId QUIET = KioskId.of("quiet-kiosk");
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final MutableClock clock = MutableClock.startingAt("2026-12-04T10:00:00Z");
    final MeasurementIntake intake = MeasurementIntake.withSink(WireCodec.cbor(1024),
            message -> CompletableFuture.completedFuture(null), clock);

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(MeasurementIntake.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(MeasurementIntake.class)).detachAppender(log);
    }

    List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void twentyThousandBadMessagesFromOneKioskWriteOneLineAMinuteAndASummary() {
        for (int i = 0; i < 20_000; i++) {
            intake.accept(Topics.measurements(NOISY), "not cbor {".getBytes());
        }
        intake.accept(Topics.measurements(QUIET), "also not cbor".getBytes());
        assertEquals(2, warnings().size(), warnings().toString());
        assertTrue(warnings().get(0).contains("noisy-kiosk") && warnings().get(0).contains("not-decodable"));
        assertTrue(warnings().get(1).contains("quiet-kiosk"), "another kiosk's first refusal is not hidden");

        clock.advance(Duration.ofSeconds(61));
        intake.accept(Topics.measurements(QUIET), new byte[0]);
        assertTrue(warnings().stream().anyMatch(w -> w.contains("19999 more") && w.contains("noisy-kiosk")
                && w.contains("not-decodable")), warnings().toString());
        assertEquals(20_002, intake.rejectedCounts().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void theLogNamesTheRefusalCodeNotTheParsersText() {
        intake.accept(Topics.measurements(NOISY), "{\"json\": true}".getBytes());
        String line = warnings().getFirst();
        assertTrue(line.contains("not-decodable"), line);
        assertFalse(line.toLowerCase().contains("exception") || line.contains("Unexpected") || line.contains("CBOR"),
                line);
        assertEquals(1, log.list.size(), "nothing else, at any level: " + log.list);
    }
}

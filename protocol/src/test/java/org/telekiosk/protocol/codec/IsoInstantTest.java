package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IsoInstant} reads and writes the wire's form exactly as the JDK does (the JDK is the oracle), and only that. */
class IsoInstantTest {
    private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long END = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    @Test
    void itWritesWhatTheJdkWrites() {
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(FIRST - 1_000_000, END + 1_000_000);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(instant), IsoInstant.format(instant));
        }
    }

    @Test
    void itReadsWhatItWrites() {
        SplittableRandom random = new SplittableRandom(61);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(FIRST, END), i % 2 == 0 ? 0
                    : random.nextInt(1_000_000_000));
            assertEquals(instant, IsoInstant.parse(IsoInstant.format(instant)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T10:15:30Z", "2026-11-22T10:15:30.250Z", "2026-11-22T10:15:30.1Z",
        "2026-11-22T10:15:30.123456789Z", "2026-11-22T10:15:30.000000001Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z"})
    void itReadsTheWiresFormAsTheJdkReadsIt(String text) {
        assertEquals(Instant.parse(text), IsoInstant.parse(text));
    }

    /** Instants the JDK takes but the wire's form does not (protocol/README.md: UTC, {@code T} and {@code Z}). */
    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22t10:15:30z", "2026-11-22T10:15:30+01:00", "2026-11-22T10:15:30-00:30",
        "2026-11-22T10:15:30+00:00", "2026-12-31T23:59:60Z", "2026-11-22T24:00:00Z", "+10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "2026-11-22T10:15:30.Z"})
    void itRefusesWhatTheJdkWouldTakeOutsideTheWiresForm(String text) {
        Instant.parse(text); // the JDK takes it
        DateTimeParseException e = assertThrows(DateTimeParseException.class, () -> IsoInstant.parse(text));
        assertEquals(text, e.getParsedString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+2026-11-22T10:15:30Z", "2026-11-22T10:15Z", "2026-11-22T10:15:30.1234567890Z",
        "1900-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:15:61Z",
        "2026-11-22T25:15:30Z", "2026-11-22 10:15:30Z", "2026-11-22T10:15:30", "2026-11-22T10:15:3OZ",
        "20261122T101530Z", "", "Z", "2026-11-22T10:15:30.25xZ", "2026-11-22T10:15:30,250Z", "\uff12026-11-22T10:15:30Z",
        "2026-11-22T10:15:30.+5Z", "2026-1-22T10:15:30Z", "22.11.2026", "2026-11-22T10:15:30.250Z ",
        " 2026-11-22T10:15:30.250Z"})
    void itRefusesWhatTheJdkRefuses(String text) {
        assertThrows(DateTimeException.class, () -> Instant.parse(text));
        assertThrows(DateTimeParseException.class, () -> IsoInstant.parse(text));
    }

    @Test
    void everyDayOfFourHundredYearsIsReadAsTheJdkReadsIt() {
        for (long day = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond() / 86_400;
                day < Instant.parse("2300-01-01T00:00:00Z").getEpochSecond() / 86_400; day++) {
            String text = java.time.LocalDate.ofEpochDay(day) + "T23:59:59.001Z";
            assertEquals(Instant.parse(text), IsoInstant.parse(text), text);
        }
    }

    @Test
    void aRefusalIsTheJdksParseException() {
        assertThrows(DateTimeParseException.class, () -> IsoInstant.parse("2026-02-30T00:00:00Z"));
    }
}

package org.telekiosk.hardware.load;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The load generator's Netty kiosks' CBOR for their two readings, {@code measurement} and {@code waveform}: the very
 * bytes the protocol's codec ({@code WireCodec.cbor}, Jackson) writes for the same record, written by hand, because
 * Jackson's encode per publish was 8 % of the generator's CPU-time samples and its largest allocation
 * (docs/benchmarks.md, "The generator's CPU a reading, fifteenth session"). {@code ReadingBytesTest} holds it to the codec byte for byte on
 * many seeds; anything else ({@link #of} answers null) goes through the codec.
 *
 * <p>The layout is Jackson's for these records (RFC 8949): an indefinite-length map ({@code 0xBF} … {@code 0xFF}),
 * the {@code type} first, then the record's components in their declared order, text keys, identifiers as text,
 * integers in their shortest head, every {@code double} as a float64, instants as the codec's ISO-8601 text (the
 * fraction in groups of three digits, as {@code DateTimeFormatter.ISO_INSTANT}) and the samples as a definite-length
 * array of integers.
 */
final class ReadingBytes {
    private static final int FLOAT64 = 0xFB;
    private static final int MAP_START = 0xBF;
    private static final int BREAK = 0xFF;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};
    private static final long SECONDS_PER_DAY = 86_400;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the instants the codec writes with a plain four-digit year. */
    private static final long FIRST_PLAIN_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;
    private static final long END_PLAIN_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

    private byte[] out = new byte[2048];
    private int at;

    /**
     * The codec's CBOR of {@code message} if it is a measurement or a waveform batch whose text is all ASCII and whose
     * instant has a four-digit year; null otherwise (the caller encodes it with the codec). Not thread-safe: one
     * writer per thread (its scratch buffer is reused).
     */
    byte[] of(KioskMessage message) {
        at = 0;
        boolean written = switch (message) {
            case Measurement m -> measurement(m);
            case WaveformBatch b -> waveform(b);
            default -> false;
        };
        return written ? Arrays.copyOf(out, at) : null;
    }

    private boolean measurement(Measurement m) {
        if (!plain(m.takenAt())) {
            return false;
        }
        byte1(MAP_START);
        boolean ascii = text("type") && text("measurement") && text("kiosk") && text(m.kiosk().value())
                && text("seq");
        integer(m.seq());
        ascii = ascii && text("sensor") && text(m.sensor().value()) && text("loinc") && text(m.loinc().value())
                && text("value");
        float64(m.value());
        ascii = ascii && text("unit") && text(m.unit().value()) && text("takenAt");
        instant(m.takenAt());
        byte1(BREAK);
        return ascii;
    }

    private boolean waveform(WaveformBatch b) {
        if (!plain(b.start())) {
            return false;
        }
        IntSamples samples = b.samples();
        room(samples.size() * 5 + 512);
        byte1(MAP_START);
        boolean ascii = text("type") && text("waveform") && text("kiosk") && text(b.kiosk().value()) && text("seq");
        integer(b.seq());
        ascii = ascii && text("sensor") && text(b.sensor().value()) && text("signal")
                && text(b.signal().name().toLowerCase(Locale.ROOT)) && text("unit") && text(b.unit().value())
                && text("sampleRate");
        float64(b.sampleRate());
        ascii = ascii && text("start");
        instant(b.start());
        ascii = ascii && text("scale");
        float64(b.scale());
        ascii = ascii && text("samples");
        head(4, samples.size());
        for (int i = 0; i < samples.size(); i++) {
            integer(samples.getInt(i));
        }
        byte1(BREAK);
        return ascii;
    }

    /** A CBOR integer (major type 0 or 1) in its shortest head. */
    private void integer(long value) {
        if (value >= 0) {
            head(0, value);
        } else {
            head(1, -1 - value);
        }
    }

    /** A head of {@code major} type with {@code argument} in the fewest bytes (RFC 8949 §3). */
    private void head(int major, long argument) {
        room(9);
        int type = major << 5;
        if (argument < 24) {
            out[at++] = (byte) (type | argument);
        } else if (argument < 0x100) {
            out[at++] = (byte) (type | 24);
            out[at++] = (byte) argument;
        } else if (argument < 0x10000) {
            out[at++] = (byte) (type | 25);
            out[at++] = (byte) (argument >> 8);
            out[at++] = (byte) argument;
        } else if (argument < 0x1_0000_0000L) {
            out[at++] = (byte) (type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out[at++] = (byte) (argument >> shift);
            }
        } else {
            out[at++] = (byte) (type | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[at++] = (byte) (argument >> shift);
            }
        }
    }

    private void float64(double value) {
        room(9);
        long bits = Double.doubleToRawLongBits(value);
        out[at++] = (byte) FLOAT64;
        for (int shift = 56; shift >= 0; shift -= 8) {
            out[at++] = (byte) (bits >> shift);
        }
    }

    /** A text string if {@code s} is ASCII (then one byte a char); false, and nothing sensible written, otherwise. */
    private boolean text(String s) {
        int length = s.length();
        head(3, length);
        room(length);
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            out[at++] = (byte) c;
        }
        return true;
    }

    /** As the codec's {@code IsoInstant.format}: {@code yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z}. */
    private void instant(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nanos = instant.getNano();
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int length = 20 + (fractionDigits == 0 ? 0 : 1 + fractionDigits);
        head(3, length);
        room(length);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        digits(date.getYear(), 4);
        out[at++] = '-';
        digits(date.getMonthValue(), 2);
        out[at++] = '-';
        digits(date.getDayOfMonth(), 2);
        out[at++] = 'T';
        digits(secondOfDay / 3600, 2);
        out[at++] = ':';
        digits(secondOfDay / 60 % 60, 2);
        out[at++] = ':';
        digits(secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            out[at++] = '.';
            digits(nanos / POWERS_OF_TEN[9 - fractionDigits], fractionDigits);
        }
        out[at++] = 'Z';
    }

    private static boolean plain(Instant instant) {
        return instant.getEpochSecond() >= FIRST_PLAIN_SECOND && instant.getEpochSecond() < END_PLAIN_SECOND;
    }

    private void digits(int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        at += count;
    }

    private void byte1(int b) {
        room(1);
        out[at++] = (byte) b;
    }

    private void room(int bytes) {
        if (at + bytes > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, at + bytes));
        }
    }
}

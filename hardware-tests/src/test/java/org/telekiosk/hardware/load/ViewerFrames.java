package org.telekiosk.hardware.load;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What the load generator needs from a frame of the vitals socket (protocol/README.md, {@code reading} and
 * {@code waveform} events), read from its UTF-8 bytes without a JSON tree: its kind, and the moment its reading
 * was complete (a measurement's {@code takenAt}; a batch's {@code start} plus its samples over its
 * {@code sampleRate}, as {@link org.telekiosk.protocol.telemetry.WaveformBatch#duration()}). The broker writes these
 * frames compactly with the {@code type} first (Jackson, {@code ViewerEvent}'s type property); a frame that lacks a
 * field is refused with {@link IllegalArgumentException}. The protocol's strict decoding is tested with the broker;
 * this is only the generator's clock.
 */
final class ViewerFrames {
    /** A frame that is neither a reading nor a waveform batch (welcome, status, pong, command, error). */
    static final int OTHER = 0;
    /** A {@code reading} event: a spot measurement. */
    static final int SPOT = 1;
    /** A {@code waveform} event: a batch. */
    static final int BATCH = 2;

    private static final byte[] READING = ascii("{\"type\":\"reading\"");
    private static final byte[] WAVEFORM = ascii("{\"type\":\"waveform\"");
    private static final byte[] TAKEN_AT = ascii("\"takenAt\":\"");
    private static final byte[] SAMPLE_RATE = ascii("\"sampleRate\":");
    private static final byte[] START = ascii("\"start\":\"");
    private static final byte[] SAMPLES = ascii("\"samples\":[");

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};

    private ViewerFrames() {}

    /** {@link #SPOT}, {@link #BATCH} or {@link #OTHER} for the frame in {@code b[0..length)}. */
    static int kind(byte[] b, int length) {
        if (startsWith(b, length, READING)) {
            return SPOT;
        }
        return startsWith(b, length, WAVEFORM) ? BATCH : OTHER;
    }

    /** The moment, in microseconds since the epoch, at which the reading of a {@code kind} frame was complete. */
    static long completeMicros(byte[] b, int length, int kind) {
        return completeMicros(b, length, kind, true);
    }

    /**
     * As {@link #completeMicros(byte[], int, int)}; {@code inPlace} false reads the instants with {@link Instant#parse}
     * and the sample rate with {@link Double#parseDouble}, as the generator did before the fifteenth session (for
     * {@link GeneratorPaths}' A/B, and the tests' reference).
     */
    static long completeMicros(byte[] b, int length, int kind, boolean inPlace) {
        return switch (kind) {
            case SPOT -> instantAfter(b, length, TAKEN_AT, inPlace);
            case BATCH -> {
                int rate = after(b, length, SAMPLE_RATE, 0);
                int rateEnd = rate;
                while (rateEnd < length && b[rateEnd] != ',' && b[rateEnd] != '}') {
                    rateEnd++;
                }
                double sampleRate = inPlace ? number(b, rate, rateEnd)
                        : Double.parseDouble(new String(b, rate, rateEnd - rate, StandardCharsets.ISO_8859_1));
                long start = instantAfter(b, length, START, inPlace);
                int samples = 1;
                int i = after(b, length, SAMPLES, 0);
                for (; i < length && b[i] != ']'; i++) {
                    if (b[i] == ',') {
                        samples++;
                    }
                }
                if (i == length) {
                    throw new IllegalArgumentException("the samples' array does not end");
                }
                yield start + Math.round(samples * 1e6 / sampleRate);
            }
            default -> throw new IllegalArgumentException("not a reading: kind " + kind);
        };
    }

    /** The instant in the string value after {@code key}, in microseconds since the epoch. */
    private static long instantAfter(byte[] b, int length, byte[] key, boolean inPlace) {
        int from = after(b, length, key, 0);
        int to = from;
        while (to < length && b[to] != '"') {
            to++;
        }
        return inPlace ? micros(b, from, to) : parsed(b, from, to);
    }

    /** {@link Instant#parse} of {@code b[from..to)}, in microseconds since the epoch. */
    static long parsed(byte[] b, int from, int to) {
        Instant t = Instant.parse(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    /**
     * The instant written in {@code b[from..to)}, in microseconds since the epoch: the wire's common form
     * ({@code 2026-12-06T21:00:00.123456Z}, a four-digit year, 0 to 9 fraction digits) read in place, as
     * {@link Instant#parse} would read it; anything else through {@link Instant#parse} itself, which parses text
     * and builds a resolver per call (with the rate's parse about a quarter of the doctors' sockets' thread,
     * docs/benchmarks.md, "The generator's CPU a reading, fifteenth session").
     */
    static long micros(byte[] b, int from, int to) {
        int length = to - from;
        if (length >= 20 && length != 21 && length <= 30 && b[from + 4] == '-' && b[from + 7] == '-'
                && b[from + 10] == 'T' && b[from + 13] == ':' && b[from + 16] == ':' && b[to - 1] == 'Z'
                && (length == 20 || b[from + 19] == '.')) {
            int year = digits(b, from, 4);
            int month = digits(b, from + 5, 2);
            int day = digits(b, from + 8, 2);
            int hour = digits(b, from + 11, 2);
            int minute = digits(b, from + 14, 2);
            int second = digits(b, from + 17, 2);
            int fraction = length == 20 ? 0 : digits(b, from + 20, length - 21);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= lengthOfMonth(year, month) && hour >= 0
                    && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && fraction >= 0) {
                long seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
                int fractionDigits = Math.max(0, length - 21);
                long micros = fractionDigits <= 6 ? fraction * POWERS_OF_TEN[6 - fractionDigits]
                        : fraction / POWERS_OF_TEN[fractionDigits - 6];
                return seconds * 1_000_000 + micros;
            }
        }
        return parsed(b, from, to);
    }

    /** A JSON number as the broker writes a sample rate ({@code Double.toString}: {@code 250.0}). */
    static double number(byte[] b, int from, int to) {
        int end = to;
        if (to - from > 2 && b[to - 2] == '.' && b[to - 1] == '0') {
            end = to - 2;
        }
        if (end > from && end - from <= 9) {
            int whole = digits(b, from, end - from);
            if (whole >= 0) {
                return whole;
            }
        }
        return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    /** The decimal number in {@code count} ASCII digits at {@code at}; -1 if one is not a digit. */
    private static int digits(byte[] b, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's {@code days_from_civil}). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /** The index just after the first {@code key} in {@code b[from..length)}. */
    private static int after(byte[] b, int length, byte[] key, int from) {
        outer:
        for (int i = from; i <= length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (b[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        throw new IllegalArgumentException("no " + new String(key, StandardCharsets.US_ASCII) + " in the frame");
    }

    private static boolean startsWith(byte[] b, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

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
        return switch (kind) {
            case SPOT -> micros(instantAfter(b, length, TAKEN_AT));
            case BATCH -> {
                int rate = after(b, length, SAMPLE_RATE, 0);
                int rateEnd = rate;
                while (rateEnd < length && b[rateEnd] != ',' && b[rateEnd] != '}') {
                    rateEnd++;
                }
                double sampleRate = Double.parseDouble(new String(b, rate, rateEnd - rate, StandardCharsets.ISO_8859_1));
                Instant start = instantAfter(b, length, START);
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
                yield micros(start) + Math.round(samples * 1e6 / sampleRate);
            }
            default -> throw new IllegalArgumentException("not a reading: kind " + kind);
        };
    }

    private static Instant instantAfter(byte[] b, int length, byte[] key) {
        int from = after(b, length, key, 0);
        int to = from;
        while (to < length && b[to] != '"') {
            to++;
        }
        return Instant.parse(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
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

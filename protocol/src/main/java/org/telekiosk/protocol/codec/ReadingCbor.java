package org.telekiosk.protocol.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The CBOR codec's fast path for the two readings, {@code measurement} and {@code waveform} (protocol/README.md): read
 * by hand from the bytes straight into the record, for the broker's intake, where Jackson's databind decode of these
 * two was 44 % of the extension threads' CPU (docs/benchmarks.md, issue 16).
 *
 * <p>It only ever <em>accepts</em>. It takes a payload that is, exactly, one CBOR map (definite or indefinite length)
 * of text keys, each field of one of the two types once, in any order, nothing else, and nothing after the map; the
 * values of the CBOR types the strict decoder takes for them without a question (ASCII text strings of definite
 * length, integers of any width within range, floats of any width, a definite- or indefinite-length array of
 * integers within 32 bits), and values that the record's own validation accepts. For anything else (a tag, an unknown
 * or repeated key, a byte string, a null, a value the record refuses, a cut-off payload, non-ASCII text...) it
 * answers {@code null}, and {@link WireCodec} decodes the payload as before: every refusal, its reason and its message
 * come from the one strict decoder, and a payload accepted here is one the strict decoder accepts as the equal record
 * ({@code ReadingCborDifferentialTest}).
 *
 * <p>By hand rather than with Jackson's streaming {@code CBORParser}: the subset is six CBOR heads, and a parser per
 * payload brings its own context, buffer recycling, field-name canonicalisation and number-type bookkeeping, all of
 * which the strict decoder already pays for and this path exists to skip.
 */
final class ReadingCbor {
    private static final int TYPE = 1;
    private static final int KIOSK = 1 << 1;
    private static final int SEQ = 1 << 2;
    private static final int SENSOR = 1 << 3;
    private static final int LOINC = 1 << 4;
    private static final int VALUE = 1 << 5;
    private static final int UNIT = 1 << 6;
    private static final int TAKEN_AT = 1 << 7;
    private static final int SIGNAL = 1 << 8;
    private static final int SAMPLE_RATE = 1 << 9;
    private static final int START = 1 << 10;
    private static final int SCALE = 1 << 11;
    private static final int SAMPLES = 1 << 12;
    private static final int MEASUREMENT_FIELDS = TYPE | KIOSK | SEQ | SENSOR | LOINC | VALUE | UNIT | TAKEN_AT;
    private static final int WAVEFORM_FIELDS =
            TYPE | KIOSK | SEQ | SENSOR | SIGNAL | UNIT | SAMPLE_RATE | START | SCALE | SAMPLES;

    /** The field names, ASCII, and their bits, in the same order. */
    private static final byte[][] NAMES = ascii("type", "kiosk", "seq", "sensor", "loinc", "value", "unit", "takenAt",
            "signal", "sampleRate", "start", "scale", "samples");
    private static final byte[] MEASUREMENT = ascii("measurement")[0];
    private static final byte[] WAVEFORM = ascii("waveform")[0];
    private static final byte[] ECG = ascii("ecg")[0];
    private static final byte[] PLETH = ascii("pleth")[0];

    /** The head's argument says "indefinite length" (additional information 31). */
    private static final long INDEFINITE = -1;
    private static final int BREAK = 0xff;

    private final byte[] bytes;
    private int at;
    /** Where the payload ends in {@link #bytes} (a reused array may hold more after it). */
    private final int end;

    private int fields;
    private boolean waveform;
    /** The kiosk's id: the caller's if the payload names it (no string made, no validation again), else null. */
    private KioskId kioskId;
    private String kiosk;
    private long seq;
    private String sensor;
    private String loinc;
    private double value;
    private String unit;
    private Instant time;
    private Signal signal;
    private double sampleRate;
    private double scale;
    private IntSamples samples;

    private ReadingCbor(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.at = from;
        this.end = to;
    }

    /**
     * The measurement or waveform batch {@code bytes} holds, if they are one in the shape this path knows; else null,
     * and the strict decoder must decide (it accepts or refuses, as it always did).
     */
    static KioskMessage read(byte[] bytes) {
        return read(bytes, 0, bytes.length, null);
    }

    /**
     * As {@link #read(byte[])}, for the {@code length} bytes from {@code offset} of {@code bytes}, and no others; a
     * reading that names the kiosk {@code known} (if not null) gets that instance, not one made again from its text.
     */
    static KioskMessage read(byte[] bytes, int offset, int length, KioskId known) {
        try {
            ReadingCbor reading = new ReadingCbor(bytes, offset, offset + length);
            reading.kioskId = known;
            return reading.message();
        } catch (Unrecognised | IllegalArgumentException | DateTimeParseException e) {
            return null; // not the shape, or a value the record refuses: the strict decoder says why
        } catch (RuntimeException e) {
            return null; // nothing else is expected; should it happen, the strict decoder still decides, as before
        }
    }

    private KioskMessage message() {
        int head = next();
        if (head >>> 5 != 5) {
            throw Unrecognised.INSTANCE;
        }
        long pairs = argument(head);
        if (pairs == INDEFINITE) {
            while (peek() != BREAK) {
                field();
            }
            at++;
        } else {
            if (pairs > NAMES.length) {
                throw Unrecognised.INSTANCE;
            }
            for (long i = 0; i < pairs; i++) {
                field();
            }
        }
        if (at != end) {
            throw Unrecognised.INSTANCE;
        }
        KioskId id = kiosk == null ? kioskId : KioskId.of(kiosk);
        if (!waveform && fields == MEASUREMENT_FIELDS) {
            return new Measurement(id, seq, SensorId.of(sensor), LoincCode.of(loinc), value, UcumUnit.of(unit), time);
        }
        if (waveform && fields == WAVEFORM_FIELDS) {
            return new WaveformBatch(id, seq, SensorId.of(sensor), signal, UcumUnit.of(unit), sampleRate, time, scale,
                    samples);
        }
        throw Unrecognised.INSTANCE;
    }

    /** One key and its value. */
    private void field() {
        int length = textLength();
        int bit = 0;
        for (int i = 0; i < NAMES.length; i++) {
            if (matches(NAMES[i], length)) {
                bit = 1 << i;
                break;
            }
        }
        at += length;
        if (bit == 0 || (fields & bit) != 0) {
            throw Unrecognised.INSTANCE;
        }
        fields |= bit;
        switch (bit) {
            case TYPE -> {
                int kind = textLength();
                if (matches(MEASUREMENT, kind)) {
                    waveform = false;
                } else if (matches(WAVEFORM, kind)) {
                    waveform = true;
                } else {
                    throw Unrecognised.INSTANCE;
                }
                at += kind;
            }
            case KIOSK -> {
                int id = textLength();
                if (kioskId != null && matches(kioskId.value(), id)) {
                    at += id;
                } else {
                    kiosk = text(id);
                }
            }
            case SEQ -> seq = whole();
            case SENSOR -> sensor = text();
            case LOINC -> loinc = text();
            case VALUE -> value = number();
            case UNIT -> unit = text();
            case TAKEN_AT, START -> time = IsoInstant.parse(text()); // both at once: refused by the fields' check
            case SIGNAL -> {
                int name = textLength();
                if (matches(ECG, name)) {
                    signal = Signal.ECG;
                } else if (matches(PLETH, name)) {
                    signal = Signal.PLETH;
                } else {
                    throw Unrecognised.INSTANCE;
                }
                at += name;
            }
            case SAMPLE_RATE -> sampleRate = number();
            case SCALE -> scale = number();
            case SAMPLES -> samples = samples();
            default -> throw Unrecognised.INSTANCE;
        }
    }

    /** A text string of definite length: its length, the position left at its first byte. */
    private int textLength() {
        int head = next();
        long length = argument(head);
        if (head >>> 5 != 3 || length == INDEFINITE || length > end - at) {
            throw Unrecognised.INSTANCE;
        }
        return (int) length;
    }

    /** Whether the text of {@code length} bytes at the position is {@code name}. */
    private boolean matches(byte[] name, int length) {
        if (name.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text of {@code length} bytes at the position is {@code id}'s (ASCII) characters. */
    private boolean matches(String id, int length) {
        boolean same = id.length() == length;
        for (int i = 0; same && i < length; i++) {
            same = bytes[at + i] == id.charAt(i);
        }
        return same;
    }

    /** A text string of ASCII characters (every valid identifier and time is ASCII; other text goes the long way). */
    private String text() {
        return text(textLength());
    }

    /** {@link #text()} once its head is read: {@code length} bytes. */
    private String text(int length) {
        for (int i = at; i < at + length; i++) {
            if (bytes[i] < 0) {
                throw Unrecognised.INSTANCE;
            }
        }
        String text = new String(bytes, at, length, StandardCharsets.ISO_8859_1);
        at += length;
        return text;
    }

    /** An unsigned integer that fits a {@code long}. */
    private long whole() {
        int head = next();
        long value = argument(head);
        if (head >>> 5 != 0 || value < 0) {
            throw Unrecognised.INSTANCE;
        }
        return value;
    }

    /** A number as a {@code double}: an integer within 64 bits, or a float of 16, 32 or 64 bits. */
    private double number() {
        int head = next();
        int major = head >>> 5;
        if (major == 7) {
            return switch (head & 31) {
                case 25 -> Float.float16ToFloat((short) bits(2));
                case 26 -> Float.intBitsToFloat((int) bits(4));
                case 27 -> Double.longBitsToDouble(bits(8));
                default -> throw Unrecognised.INSTANCE;
            };
        }
        long argument = argument(head);
        if (argument < 0 || major > 1) {
            throw Unrecognised.INSTANCE;
        }
        return major == 0 ? argument : -1 - argument;
    }

    /** The samples: an array of integers within 32 bits, of definite or indefinite length. */
    private IntSamples samples() {
        int head = next();
        long count = argument(head);
        if (head >>> 5 != 4) {
            throw Unrecognised.INSTANCE;
        }
        boolean indefinite = count == INDEFINITE;
        if (indefinite) {
            count = countUntilBreak();
        }
        // At least one byte a sample: a count beyond what is left is a cut-off payload, refused the long way.
        if (count < 1 || count > WaveformBatch.MAX_SAMPLES || count > end - at) {
            throw Unrecognised.INSTANCE;
        }
        IntSamples read = IntSamples.generate((int) count, this::sample);
        if (indefinite) {
            at++; // the break
        }
        return read;
    }

    /** How many samples an indefinite-length array holds before its break, its heads checked, the position kept. */
    private long countUntilBreak() {
        int start = at;
        long count = 0;
        while (peek() != BREAK) {
            sample();
            if (++count > WaveformBatch.MAX_SAMPLES) {
                throw Unrecognised.INSTANCE;
            }
        }
        at = start;
        return count;
    }

    /** One sample; the widths the agent writes (an argument in the head, or in 1, 2 or 4 bytes) read in line. */
    private int sample() {
        int head = next();
        int major = head >>> 5;
        int info = head & 31;
        long argument;
        if (info < 24) {
            argument = info;
        } else if (info == 24 && at < end) {
            argument = bytes[at++] & 0xff;
        } else if (info == 25 && end - at >= 2) {
            argument = (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
            at += 2;
        } else if (info == 26 && end - at >= 4) {
            argument = ((bytes[at] & 0xffL) << 24) | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                    | (bytes[at + 3] & 0xff);
            at += 4;
        } else {
            argument = argument(head);
        }
        if (major > 1 || argument < 0 || argument > Integer.MAX_VALUE) {
            throw Unrecognised.INSTANCE;
        }
        return major == 0 ? (int) argument : (int) (-1 - argument);
    }

    /**
     * A head's argument (RFC 8949 §3): the additional information itself below 24, else the 1, 2, 4 or 8 bytes that
     * follow, unsigned; {@link #INDEFINITE} for 31. An 8-byte argument beyond {@code Long.MAX_VALUE} is not a value any
     * field can take (nor a length), so never a number that could be mistaken for {@link #INDEFINITE}.
     */
    private long argument(int head) {
        int info = head & 31;
        return switch (info) {
            case 24 -> bits(1);
            case 25 -> bits(2);
            case 26 -> bits(4);
            case 27 -> {
                long argument = bits(8);
                if (argument < 0) {
                    throw Unrecognised.INSTANCE;
                }
                yield argument;
            }
            case 28, 29, 30 -> throw Unrecognised.INSTANCE;
            case 31 -> INDEFINITE;
            default -> info;
        };
    }

    /** The next {@code count} bytes as an unsigned big-endian number (8 bytes: as a {@code long}'s bits). */
    private long bits(int count) {
        if (count > end - at) {
            throw Unrecognised.INSTANCE;
        }
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = value << 8 | (bytes[at++] & 0xff);
        }
        return value;
    }

    private int next() {
        if (at >= end) {
            throw Unrecognised.INSTANCE;
        }
        return bytes[at++] & 0xff;
    }

    private int peek() {
        if (at >= end) {
            throw Unrecognised.INSTANCE;
        }
        return bytes[at] & 0xff;
    }

    private static byte[][] ascii(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** Not a payload this path knows: the strict decoder decides. Thrown often on bad input, so made once, stackless. */
    private static final class Unrecognised extends RuntimeException {
        static final Unrecognised INSTANCE = new Unrecognised();

        private Unrecognised() {
            super("not a reading in the fast path's shape", null, false, false);
        }
    }
}

package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The readings' fast path ({@link ReadingCbor}) against the strict decoder it stands in front of: for seeded random
 * measurements and waveform batches in every encoding the README allows, and for mutations of them, the CBOR codec
 * with the fast path gives exactly what the codec without it gives: the equal record, or the same refusal (reason and
 * message). A failure prints the case's seed and the payload; {@code -Dreading.seed=<n>} runs another sequence.
 */
class ReadingCborDifferentialTest {
    private static final long SEED = Long.getLong("reading.seed", 0x7e1e_c105_16L);
    private static final int MAX = WireCodec.DEFAULT_MAX_BYTES;

    private final WireCodec fast = WireCodec.cbor(MAX);
    private final WireCodec full = WireCodec.cborWithoutFastPath(MAX);
    /** The fast path again, given each payload as the MQTT broker hands it: a read-only buffer, here inside others. */
    private final WireCodec fastInBuffer = WireCodec.cbor(MAX);

    /** What a decode came to: the record, or the refusal's reason and message. */
    private record Outcome(KioskMessage message, Reason reason, String detail) {}

    @Test
    void validReadingsInEveryAllowedEncodingDecodeOnTheFastPathToTheFullDecodersRecord() {
        int cases = 20_000;
        SplittableRandom master = new SplittableRandom(SEED);
        for (int i = 0; i < cases; i++) {
            long seed = master.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            KioskMessage reading = reading(r);
            byte[] payload = r.nextInt(4) == 0 ? fast.encode(reading) : encode(fields(reading, r), r, 0, false);
            Outcome expected = compare(seed, i, payload);
            if (!reading.equals(expected.message())) {
                fail(report(seed, i, payload) + "\n the generator made an invalid or different reading: " + reading
                        + "\n full decoder: " + expected);
            }
        }
        assertEquals(cases, fast.fastDecodes(), "every valid reading of the README's encodings takes the fast path");
        assertEquals(cases, fastInBuffer.fastDecodes(), "also when read in place from a read-only buffer");
    }

    @Test
    void mutatedReadingsAreAcceptedOrRefusedExactlyAsByTheFullDecoder() {
        int cases = 40_000;
        SplittableRandom master = new SplittableRandom(SEED ^ 0x5eed);
        int accepted = 0;
        int[] refused = new int[Reason.values().length];
        for (int i = 0; i < cases; i++) {
            long seed = master.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            byte[] payload = mutated(r);
            Outcome outcome = compare(seed, i, payload);
            if (outcome.message() != null) {
                accepted++;
            } else if (outcome.reason() == null) {
                fail(report(seed, i, payload) + "\n the full decoder failed instead of refusing: " + outcome);
            } else {
                refused[outcome.reason().ordinal()]++;
            }
        }
        System.out.printf("%d mutated readings: %d accepted (%d on the fast path), refused %s%n", cases, accepted,
                fast.fastDecodes(), Arrays.toString(refused));
        // The mutations reach every kind of refusal the codec has, and leave some payloads valid.
        for (Reason reason : List.of(Reason.NOT_DECODABLE, Reason.UNKNOWN_TYPE, Reason.INVALID_FIELD)) {
            assertTrue(refused[reason.ordinal()] > 100, reason + ": " + Arrays.toString(refused));
        }
        assertTrue(accepted > 100, "accepted " + accepted);
        assertTrue(fast.fastDecodes() <= accepted);
        assertEquals(fast.fastDecodes(), fastInBuffer.fastDecodes(), "the same payloads take the fast path from buffers");
    }

    private Outcome compare(long seed, int index, byte[] payload) {
        Outcome expected = outcome(full, payload);
        Outcome actual = outcome(fast, payload);
        if (!expected.equals(actual)) {
            fail(report(seed, index, payload) + "\n full decoder: " + expected + "\n fast path:    " + actual);
        }
        // The same bytes between random others in a larger array, the buffer's position and limit around them: what
        // lies outside must never be read, and the buffer's position and limit stay.
        SplittableRandom r = new SplittableRandom(seed ^ index);
        int before = r.nextInt(3) == 0 ? 0 : r.nextInt(1, 17);
        int after = r.nextInt(3) == 0 ? 0 : r.nextInt(1, 17);
        byte[] around = new byte[before + payload.length + after];
        r.nextBytes(around);
        System.arraycopy(payload, 0, around, before, payload.length);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(around, before, payload.length).asReadOnlyBuffer();
        // A third of the time without a publisher; else as the MQTT broker decodes it, from the publisher it knows:
        // the kiosk the payload names (an equal id, another instance) if it is valid, or another one.
        int from = r.nextInt(3);
        KioskId publisher = from == 0 ? null : from == 1 && expected.message() != null
                ? KioskId.of(new String(expected.message().kiosk().value().toCharArray()))
                : KioskId.of("other-kiosk-" + r.nextInt(10));
        long fastBefore = fastInBuffer.fastDecodes();
        Outcome inBuffer = outcome(fastInBuffer, publisher, buffer);
        if (!expected.equals(inBuffer) || buffer.position() != before || buffer.limit() != before + payload.length) {
            fail(report(seed, index, payload) + "\n full decoder: " + expected + "\n from a read-only buffer at "
                    + before + " with " + after + " bytes after it, from " + publisher + ": " + inBuffer
                    + ", position " + buffer.position() + ", limit " + buffer.limit());
        }
        if (fastInBuffer.fastDecodes() > fastBefore && publisher != null
                && publisher.equals(inBuffer.message().kiosk())
                && publisher != inBuffer.message().kiosk()) {
            fail(report(seed, index, payload) + "\n the fast path made the publisher's id again: " + inBuffer);
        }
        return expected;
    }

    private static Outcome outcome(WireCodec codec, KioskId publisher, java.nio.ByteBuffer payload) {
        try {
            return new Outcome(publisher == null ? codec.decode(payload, KioskMessage.class)
                    : codec.decodeFrom(publisher, payload), null, null);
        } catch (MalformedMessageException e) {
            return new Outcome(null, e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(null, null, e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static String report(long seed, int index, byte[] payload) {
        String hex = HexFormat.of().formatHex(payload);
        return "case " + index + ", seed " + seed + " (sequence -Dreading.seed=" + SEED + "), payload "
                + (hex.length() > 2000 ? hex.substring(0, 2000) + "…" : hex);
    }

    private static Outcome outcome(WireCodec codec, byte[] payload) {
        try {
            return new Outcome(codec.decode(payload, KioskMessage.class), null, null);
        } catch (MalformedMessageException e) {
            return new Outcome(null, e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            // Not a refusal but a failure (none is known): the fast path must not change that either.
            return new Outcome(null, null, e.getClass().getName() + ": " + e.getMessage());
        }
    }

    // ---- valid readings -------------------------------------------------------------------------------------------

    private static KioskMessage reading(SplittableRandom r) {
        KioskId kiosk = KioskId.of(kioskId(r));
        long seq = seq(r);
        SensorId sensor = SensorId.of(sensorId(r));
        UcumUnit unit = UcumUnit.of(unit(r));
        Instant time = instant(r);
        if (r.nextBoolean()) {
            return new Measurement(kiosk, seq, sensor, LoincCode.of(loinc(r)), number(r), unit, time);
        }
        int count = r.nextInt(50) == 0 ? r.nextInt(1, WaveformBatch.MAX_SAMPLES + 1) : r.nextInt(1, 300);
        int[] samples = new int[count];
        int width = r.nextInt(5);
        for (int i = 0; i < count; i++) {
            samples[i] = switch (r.nextInt(width + 1)) {
                case 0 -> r.nextInt(-24, 24);
                case 1 -> r.nextInt(-256, 256);
                case 2 -> r.nextInt(-65_536, 65_537);
                case 3 -> r.nextInt();
                default -> r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            };
        }
        double rate = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(1, 10_001);
            case 1 -> 10_000;
            case 2 -> Math.max(Double.MIN_VALUE, r.nextDouble(10_000));
            default -> new double[] {0.5, 250, 100, 62.5, Double.MIN_VALUE, 9_999.999}[r.nextInt(6)];
        };
        double scale = Math.abs(number(r));
        if (!(scale > 0)) {
            scale = 0.0025;
        }
        return new WaveformBatch(kiosk, seq, sensor, r.nextBoolean() ? Signal.ECG : Signal.PLETH, unit, rate, time,
                scale, IntSamples.of(samples));
    }

    static String kioskId(SplittableRandom r) {
        int length = r.nextInt(3, 41);
        StringBuilder id = new StringBuilder().append((char) ('a' + r.nextInt(26)));
        while (id.length() < length) {
            boolean hyphen = id.length() < length - 1 && id.charAt(id.length() - 1) != '-' && r.nextInt(6) == 0;
            id.append(hyphen ? '-' : lowerOrDigit(r));
        }
        return id.toString();
    }

    private static String sensorId(SplittableRandom r) {
        int length = r.nextInt(1, 33);
        StringBuilder id = new StringBuilder().append(lowerOrDigit(r));
        while (id.length() < length) {
            id.append(r.nextInt(8) == 0 ? '-' : lowerOrDigit(r));
        }
        return id.toString();
    }

    private static char lowerOrDigit(SplittableRandom r) {
        int i = r.nextInt(36);
        return i < 26 ? (char) ('a' + i) : (char) ('0' + i - 26);
    }

    static String loinc(SplittableRandom r) {
        StringBuilder digits = new StringBuilder();
        for (int i = r.nextInt(1, 8); i > 0; i--) {
            digits.append((char) ('0' + r.nextInt(10)));
        }
        return digits + "-" + checkDigit(digits.toString());
    }

    /** LOINC's mod-10 check digit (protocol/README.md), computed here independently of {@code LoincCode}. */
    static int checkDigit(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            sum += i % 2 == 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return (10 - sum % 10) % 10;
    }

    private static String unit(SplittableRandom r) {
        if (r.nextBoolean()) {
            return new String[] {"Cel", "kg", "%", "/min", "mm[Hg]", "mV", "[arb'U]"}[r.nextInt(7)];
        }
        StringBuilder unit = new StringBuilder();
        for (int i = r.nextInt(1, 33); i > 0; i--) {
            unit.append((char) r.nextInt('!', '~' + 1));
        }
        return unit.toString();
    }

    private static long seq(SplittableRandom r) {
        long seq = switch (r.nextInt(4)) {
            case 0 -> r.nextLong(1, 24);
            case 1 -> r.nextLong(1, 100_000);
            case 2 -> r.nextLong(1, Long.MAX_VALUE) >>> r.nextInt(63);
            default -> new long[] {1, 23, 24, 255, 256, 65_535, 65_536, 0xffff_ffffL, 1L << 32, Long.MAX_VALUE}
                    [r.nextInt(10)];
        };
        return Math.max(1, seq);
    }

    /** A finite number of every kind: fractions, whole numbers, numbers exact in float16 and float32, the edges. */
    private static double number(SplittableRandom r) {
        double value = switch (r.nextInt(8)) {
            case 0 -> r.nextDouble(-50, 250);
            case 1 -> Math.round(r.nextDouble(-1_000, 1_000) * 100) / 100.0;
            case 2 -> r.nextLong(-1_000_000, 1_000_000);
            case 3 -> (double) r.nextLong();
            case 4 -> (float) r.nextDouble(-1e6, 1e6);
            case 5 -> Float.float16ToFloat((short) r.nextInt(0x10000));
            case 6 -> new double[] {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300,
                0x1p63, -0x1p63, 0x1p53 + 2, 36.85, 0.001, 65_504, 5.960464477539063E-8}[r.nextInt(13)];
            default -> Double.longBitsToDouble(r.nextLong());
        };
        return Double.isFinite(value) ? value : 36.6;
    }

    private static Instant instant(SplittableRandom r) {
        long first = -62_167_219_200L; // 0000-01-01T00:00:00Z
        long end = 253_402_300_800L; // 10000-01-01T00:00:00Z
        long second = r.nextInt(3) == 0 ? r.nextLong(first, end) : r.nextLong(1_700_000_000L, 1_900_000_000L);
        int nanos = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextInt(1_000) * 1_000_000;
            case 2 -> r.nextInt(1_000_000) * 1_000;
            default -> r.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }

    /** The instant with 0 to 9 fraction digits, as many as it needs or more (trailing zeros), as the README allows. */
    private static String time(Instant instant, SplittableRandom r) {
        String whole = IsoInstant.format(Instant.ofEpochSecond(instant.getEpochSecond()));
        String nine = String.format("%09d", instant.getNano());
        int needed = nine.replaceAll("0+$", "").length();
        int digits = r.nextInt(needed, 10);
        return digits == 0 ? whole : whole.substring(0, whole.length() - 1) + "." + nine.substring(0, digits) + "Z";
    }

    // ---- encoding -------------------------------------------------------------------------------------------------

    /** One map entry as written: a key and a value, each any CBOR at all. */
    record Field(String name, Consumer<CborOut> key, Consumer<CborOut> value) {
        static Field of(String name, Consumer<CborOut> value) {
            return new Field(name, out -> out.text(name), value);
        }

        Field withValue(Consumer<CborOut> other) {
            return new Field(name, key, other);
        }
    }

    private static List<Field> fields(KioskMessage reading, SplittableRandom r) {
        List<Field> fields = new ArrayList<>();
        switch (reading) {
            case Measurement m -> {
                fields.add(text("type", "measurement"));
                fields.add(text("kiosk", m.kiosk().value()));
                fields.add(Field.of("seq", out -> out.head(0, m.seq())));
                fields.add(text("sensor", m.sensor().value()));
                fields.add(text("loinc", m.loinc().value()));
                fields.add(Field.of("value", number(m.value(), r)));
                fields.add(text("unit", m.unit().value()));
                fields.add(text("takenAt", time(m.takenAt(), r)));
            }
            case WaveformBatch w -> {
                fields.add(text("type", "waveform"));
                fields.add(text("kiosk", w.kiosk().value()));
                fields.add(Field.of("seq", out -> out.head(0, w.seq())));
                fields.add(text("sensor", w.sensor().value()));
                fields.add(text("signal", w.signal() == Signal.ECG ? "ecg" : "pleth"));
                fields.add(text("unit", w.unit().value()));
                fields.add(Field.of("sampleRate", number(w.sampleRate(), r)));
                fields.add(text("start", time(w.start(), r)));
                fields.add(Field.of("scale", number(w.scale(), r)));
                boolean indefinite = r.nextInt(3) == 0;
                int[] samples = w.samples().toIntArray();
                fields.add(Field.of("samples", out -> {
                    if (indefinite) {
                        out.raw(0x9f);
                    } else {
                        out.head(4, samples.length);
                    }
                    for (int sample : samples) {
                        out.integer(sample);
                    }
                    if (indefinite) {
                        out.raw(0xff);
                    }
                }));
            }
            default -> throw new IllegalArgumentException(reading.toString());
        }
        if (r.nextInt(3) == 0) {
            Collections.shuffle(fields, new Random(r.nextLong()));
        }
        return fields;
    }

    private static Field text(String name, String value) {
        return Field.of(name, out -> out.text(value));
    }

    /** The number in one of the encodings that carry it exactly: an integer, float16, float32 or float64. */
    private static Consumer<CborOut> number(double value, SplittableRandom r) {
        List<Consumer<CborOut>> ways = new ArrayList<>();
        ways.add(out -> out.float64(value));
        if ((double) (float) value == value) {
            ways.add(out -> out.float32(value));
        }
        if ((double) Float.float16ToFloat(Float.floatToFloat16((float) value)) == value) {
            ways.add(out -> out.float16(value));
        }
        boolean negativeZero = Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0);
        if (value == Math.rint(value) && Math.abs(value) < 0x1p63 && !negativeZero) {
            ways.add(out -> out.integer((long) value));
        }
        return ways.get(r.nextInt(ways.size()));
    }

    /**
     * The map of {@code fields}, definite or indefinite; {@code countError} added to a definite map's count, and
     * {@code noBreak} leaves an indefinite map open.
     */
    private static byte[] encode(List<Field> fields, SplittableRandom r, int countError, boolean noBreak) {
        CborOut out = new CborOut(r);
        boolean indefinite = countError == 0 && r.nextBoolean() || noBreak;
        if (indefinite) {
            out.raw(0xbf);
        } else {
            out.head(5, Math.max(0, fields.size() + countError));
        }
        for (Field field : fields) {
            field.key().accept(out);
            field.value().accept(out);
        }
        if (indefinite && !noBreak) {
            out.raw(0xff);
        }
        return out.bytes();
    }

    // ---- mutations ------------------------------------------------------------------------------------------------

    private byte[] mutated(SplittableRandom r) {
        KioskMessage reading = reading(r);
        List<Field> fields = new ArrayList<>(fields(reading, r));
        int countError = 0;
        boolean noBreak = false;
        int kind = r.nextInt(12);
        if (kind < 9) {
            for (int n = r.nextInt(3) == 0 ? 2 : 1; n > 0; n--) {
                ReadingMutations.mutate(fields, r);
            }
        } else if (kind == 9) {
            countError = r.nextBoolean() ? 1 : -1;
        } else if (kind == 10) {
            noBreak = true;
        }
        byte[] payload = kind == 11 && r.nextBoolean() ? fast.encode(reading) : encode(fields, r, countError, noBreak);
        if (kind == 11 || r.nextInt(5) == 0) {
            payload = ReadingMutations.bytes(payload, r);
        }
        return payload;
    }
}

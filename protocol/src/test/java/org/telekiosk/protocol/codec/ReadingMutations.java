package org.telekiosk.protocol.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.telekiosk.protocol.codec.ReadingCborDifferentialTest.Field;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * What {@link ReadingCborDifferentialTest} does to a valid reading: at the level of its fields (missing, unknown,
 * repeated, of the wrong CBOR type, out of range, not finite, a wrong check digit, another kiosk, a huge or lying
 * array) and at the level of its bytes (cut short, a byte changed, inserted or dropped, trailing data, a tag in front,
 * wrapped in an array).
 */
final class ReadingMutations {
    private ReadingMutations() {}

    static void mutate(List<Field> fields, SplittableRandom r) {
        if (fields.isEmpty()) {
            return;
        }
        int at = r.nextInt(fields.size());
        Field field = fields.get(at);
        switch (r.nextInt(16)) {
            case 0 -> fields.remove(at);
            case 1 -> fields.add(r.nextInt(fields.size() + 1), Field.of(pick(r, "extra", "Type", "seq ", "", "samples",
                    "loinc", "takenAt", "start", "value", "signal", "x".repeat(50), "kiosk\u00e9"), wrong(r)));
            case 2 -> fields.add(r.nextInt(fields.size() + 1),
                    r.nextBoolean() ? field : field.withValue(fields.get(r.nextInt(fields.size())).value()));
            case 3, 4 -> fields.set(at, field.withValue(wrong(r)));
            case 5 -> fields.set(at, field.withValue(textVariant(r)));
            case 6 -> replace(fields, "loinc", r, out -> {
                String digits = ReadingCborDifferentialTest.loinc(r);
                String body = digits.substring(0, digits.length() - 1);
                out.text(body + (char) ('0' + (ReadingCborDifferentialTest.checkDigit(body.substring(0,
                        body.length() - 1)) + r.nextInt(1, 10)) % 10));
            });
            case 7 -> replace(fields, pick(r, "value", "scale", "sampleRate"), r, nonFinite(r));
            case 8 -> replace(fields, "seq", r, seq(r));
            case 9 -> replace(fields, "samples", r, samples(r));
            case 10 -> replace(fields, "type", r, out -> {
                if (r.nextInt(5) == 0) {
                    out.integer(5);
                } else {
                    out.text(pick(r, "status", "Measurement", "waveform", "measurement", "presence", "", "WAVEFORM"));
                }
            });
            case 11 -> replace(fields, pick(r, "takenAt", "start"), r, out -> out.text(pick(r,
                    "2026-11-22t10:15:30Z", "2026-11-22T10:15:30+00:00", "2026-11-22T24:00:00Z",
                    "2026-12-31T23:59:60Z", "2026-02-30T10:15:30Z", "2026-11-22T10:15:30.1234567890Z",
                    "+2026-11-22T10:15:30Z", "2026-11-22T10:15:30z", "2026-11-22 10:15:30Z", "2026-11-22T10:15Z")));
            case 12 -> replace(fields, "kiosk", r, out -> out.text(ReadingCborDifferentialTest.kioskId(r)));
            case 13 -> replace(fields, "signal", r, out -> {
                switch (r.nextInt(4)) {
                    case 0 -> out.integer(r.nextInt(-1, 3));
                    case 1 -> out.raw(0xf5);
                    default -> out.text(pick(r, "ECG", "Ecg", "ppg", "", "PLETH", "ecg "));
                }
            });
            case 14 -> replace(fields, pick(r, "kiosk", "sensor", "unit"), r, out -> out.text(pick(r, "WMK-LAB-03",
                    "a", "wmk--lab", "wmk-lab-", "wmk lab", "x".repeat(41), "m".repeat(33), "", "wmk/lab", "Cel sius",
                    "\u00e9t\u00e9", "kiosk\u0000")));
            default -> fields.add(r.nextInt(fields.size() + 1), new Field("?", out -> {
                if (r.nextBoolean()) {
                    out.integer(r.nextInt(-3, 30));
                } else {
                    out.bytesValue(field.name().getBytes(StandardCharsets.US_ASCII));
                }
            }, wrong(r)));
        }
    }

    private static void replace(List<Field> fields, String name, SplittableRandom r, Consumer<CborOut> value) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                fields.set(i, fields.get(i).withValue(value));
                return;
            }
        }
        fields.add(r.nextInt(fields.size() + 1), Field.of(name, value));
    }

    /** A value of a type no reading field has, or of the wrong one for most. */
    private static Consumer<CborOut> wrong(SplittableRandom r) {
        return switch (r.nextInt(20)) {
            case 0 -> out -> out.text("42");
            case 1 -> out -> out.text("");
            case 2 -> out -> out.integer(5);
            case 3 -> out -> out.integer(-5);
            case 4 -> out -> out.float64(1.5);
            case 5 -> out -> out.float16(0.5);
            case 6 -> out -> out.raw(0xf5);
            case 7 -> out -> out.raw(0xf4);
            case 8 -> out -> out.raw(0xf6);
            case 9 -> out -> out.raw(0xf7);
            case 10 -> out -> out.raw(0xf0);
            case 11 -> out -> out.raw(0x80);
            case 12 -> out -> out.raw(0x81, 0x01);
            case 13 -> out -> out.raw(0xa0);
            case 14 -> out -> out.raw(0xa1).text("a").integer(1);
            case 15 -> out -> out.bytesValue(new byte[] {1, 2, 3});
            case 16 -> out -> out.raw(0xc1).integer(1_763_806_530);
            case 17 -> out -> out.raw(0xc0).text("2026-11-22T10:15:30Z");
            case 18 -> out -> out.raw(0xc2).bytesValue(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0});
            default -> out -> out.head(0, -1L);
        };
    }

    /** A text field's value in another form: chunked, tagged, not ASCII, not UTF-8. */
    private static Consumer<CborOut> textVariant(SplittableRandom r) {
        String text = pick(r, "wmk-lab-03", "ads1115", "8310-5", "Cel", "2026-11-22T10:15:30Z", "ecg", "measurement");
        return switch (r.nextInt(5)) {
            case 0 -> out -> out.chunkedText(text, r.nextInt(1, 5));
            case 1 -> out -> out.raw(0xd8, 0x20).text(text);
            case 2 -> out -> out.text(text + "\u00e9");
            case 3 -> out -> out.text(new byte[] {'w', 'm', 'k', (byte) 0xc3, '-', 'x'});
            default -> out -> out.bytesValue(text.getBytes(StandardCharsets.US_ASCII));
        };
    }

    private static Consumer<CborOut> nonFinite(SplittableRandom r) {
        double value = pickDouble(r, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.0,
                10_000.5, Double.MAX_VALUE);
        return switch (r.nextInt(3)) {
            case 0 -> out -> out.float16(value);
            case 1 -> out -> out.float32(value);
            default -> out -> out.float64(value);
        };
    }

    private static Consumer<CborOut> seq(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> out -> out.integer(0);
            case 1 -> out -> out.integer(-1);
            case 2 -> out -> out.integer(Long.MIN_VALUE);
            case 3 -> out -> out.head(0, -1L);
            case 4 -> out -> out.head(0, Long.MIN_VALUE);
            case 5 -> out -> out.float64(42.0);
            case 6 -> out -> out.raw(0xc2).bytesValue(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0});
            default -> out -> out.head(0, Long.MAX_VALUE, 8);
        };
    }

    private static Consumer<CborOut> samples(SplittableRandom r) {
        return switch (r.nextInt(13)) {
            case 0 -> out -> out.raw(0x80);
            case 1 -> out -> list(out, 10_001, 1);
            case 2 -> out -> out.raw(0x83).integer(1).head(0, 1L << 31).integer(2);
            case 3 -> out -> out.raw(0x83).integer(1).integer(-(1L << 31) - 1).integer(2);
            case 4 -> out -> out.raw(0x82).integer(1).float64(2.0);
            case 5 -> out -> out.raw(0x82).integer(1).raw(0xf6);
            case 6 -> out -> out.raw(0x82).integer(1).raw(0x81, 0x01);
            case 7 -> out -> out.raw(0x84).integer(1).integer(2).integer(3);
            case 8 -> out -> out.raw(0x82).integer(1).integer(2).integer(3);
            case 9 -> out -> out.raw(0x9b, 0, 0, 1, 0, 0, 0, 0, 0).integer(1);
            case 10 -> out -> out.raw(0x9a, 0xff, 0xff, 0xff, 0xff).integer(1);
            case 11 -> out -> out.raw(0x9f).integer(1).integer(2);
            default -> out -> list(out, WaveformBatch.MAX_SAMPLES, 1_000_000);
        };
    }

    private static void list(CborOut out, int count, int value) {
        out.head(4, count);
        for (int i = 0; i < count; i++) {
            out.integer(value);
        }
    }

    /** Byte-level damage to an encoded payload. */
    static byte[] bytes(byte[] payload, SplittableRandom r) {
        int length = payload.length;
        return switch (r.nextInt(10)) {
            case 0 -> Arrays.copyOf(payload, r.nextInt(length));
            // A map of 2^64 - 1 (or 2^63) pairs in front of the same pairs: not "indefinite length" (which is 0xbf).
            case 9 -> concat(new byte[] {(byte) 0xbb, (byte) (r.nextBoolean() ? 0xff : 0x80), (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, Arrays.copyOfRange(payload, 1, length));
            case 1 -> {
                byte[] changed = payload.clone();
                changed[r.nextInt(length)] = (byte) r.nextInt(256);
                yield changed;
            }
            case 2 -> {
                byte[] changed = payload.clone();
                changed[r.nextInt(length)] ^= (byte) (1 << r.nextInt(8));
                yield changed;
            }
            case 3 -> {
                int at = r.nextInt(length + 1);
                byte[] longer = new byte[length + 1];
                System.arraycopy(payload, 0, longer, 0, at);
                longer[at] = (byte) r.nextInt(256);
                System.arraycopy(payload, at, longer, at + 1, length - at);
                yield longer;
            }
            case 4 -> {
                int at = r.nextInt(length);
                byte[] shorter = new byte[length - 1];
                System.arraycopy(payload, 0, shorter, 0, at);
                System.arraycopy(payload, at + 1, shorter, at, length - at - 1);
                yield shorter;
            }
            case 5 -> {
                byte[] longer = Arrays.copyOf(payload, length + 1);
                longer[length] = (byte) pickInt(r, 0x00, 0xff, 0xa0, 0xf6, r.nextInt(256));
                yield longer;
            }
            case 6 -> concat(payload, payload);
            case 7 -> concat(new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7}, payload);
            default -> concat(new byte[] {(byte) 0x81}, payload);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static int pickInt(SplittableRandom r, int... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static double pickDouble(SplittableRandom r, double... choices) {
        return choices[r.nextInt(choices.length)];
    }
}

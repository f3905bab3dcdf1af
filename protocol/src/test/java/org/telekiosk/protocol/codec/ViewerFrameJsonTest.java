package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.viewer.ViewerEvent;

class ViewerFrameJsonTest {
    private static final WireCodec JSON = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
    private final SplittableRandom random = new SplittableRandom(20261206);
    private final ViewerFrameJson writer = new ViewerFrameJson();

    @Test
    void aWaveformFrameIsByteForByteTheCodecsJson() {
        int written = 0;
        for (int i = 0; i < 20_000; i++) {
            written += sameAsCodec(new ViewerEvent.Waveform(waveform())) ? 1 : 0;
        }
        assertTrue(written > 15_000, "most frames written by hand, not left to the codec: " + written);
    }

    @Test
    void aReadingFrameIsByteForByteTheCodecsJson() {
        int written = 0;
        for (int i = 0; i < 20_000; i++) {
            written += sameAsCodec(new ViewerEvent.Reading(measurement())) ? 1 : 0;
        }
        assertTrue(written > 15_000, "most frames written by hand, not left to the codec: " + written);
    }

    @Test
    void numbersAtTheirEdgesAreWrittenAsTheCodecWritesThem() {
        Instant start = Instant.parse("2026-12-06T15:00:00Z");
        KioskId kiosk = KioskId.of("kiosk-001");
        SensorId sensor = SensorId.of("ads1115");
        for (double d : new double[] {Double.MIN_VALUE, Double.MAX_VALUE, 1e-7, 1e-3, 1e7, 1e21, 0.1, 1.0 / 3, 123456789.0,
                250.0, 0.001}) {
            assertTrue(sameAsCodec(new ViewerEvent.Reading(new Measurement(kiosk, Long.MAX_VALUE, sensor,
                    LoincCode.of("8867-4"), d, UcumUnit.of("/min"), start))));
            assertTrue(sameAsCodec(new ViewerEvent.Reading(new Measurement(kiosk, 1, sensor, LoincCode.of("8867-4"), -d,
                    UcumUnit.of("/min"), start))));
            assertTrue(sameAsCodec(new ViewerEvent.Waveform(new WaveformBatch(kiosk, 1, sensor, Signal.ECG,
                    UcumUnit.of("mV"), Math.min(d, 10_000), start, d,
                    IntSamples.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, 10, -10, 999_999_999)))));
        }
        assertTrue(sameAsCodec(new ViewerEvent.Reading(new Measurement(kiosk, 1, sensor, LoincCode.of("8867-4"), -0.0,
                UcumUnit.of("/min"), Instant.parse("9999-12-31T23:59:59.999999999Z")))));
        assertTrue(sameAsCodec(new ViewerEvent.Reading(new Measurement(kiosk, 1, sensor, LoincCode.of("8867-4"), 0.0,
                UcumUnit.of("/min"), Instant.EPOCH))));
    }

    @Test
    void aStringJsonWouldEscapeLeavesTheFrameToTheCodec() {
        for (String unit : new String[] {"a\"b", "a\\b", "\"", "\\"}) {
            Measurement m = new Measurement(KioskId.of("kiosk-001"), 7, SensorId.of("mlx90614"), LoincCode.of("8310-5"),
                    36.6, UcumUnit.of(unit), Instant.parse("2026-12-06T15:00:00Z"));
            assertFalse(writer.write(new ViewerEvent.Reading(m)), unit);
        }
    }

    @Test
    void everyOtherEventIsLeftToTheCodec() {
        assertFalse(writer.write(new ViewerEvent.Welcome(1, "telekiosk-broker")));
        assertFalse(writer.write(new ViewerEvent.Pong("abc")));
    }

    /** Whether the writer wrote it (then the bytes must be the codec's); false if it left it to the codec. */
    private boolean sameAsCodec(ViewerEvent event) {
        byte[] expected = JSON.encode(event);
        if (!writer.write(event)) {
            return false;
        }
        byte[] actual = Arrays.copyOf(writer.array(), writer.length());
        assertArrayEquals(expected, actual, () -> "expected " + new String(expected) + "\nbut was  " + new String(actual));
        assertEquals(expected.length, writer.length());
        return true;
    }

    private WaveformBatch waveform() {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? WaveformBatch.MAX_SAMPLES : 300);
        int[] samples = new int[n];
        for (int i = 0; i < n; i++) {
            samples[i] = switch (random.nextInt(4)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextInt(-5000, 5000);
                case 2 -> random.nextInt(-9, 10);
                default -> random.nextInt(100_000, 1_000_000);
            };
        }
        double sampleRate = random.nextBoolean() ? new double[] {25.0, 50.0, 100.0, 250.0, 500.0}[random.nextInt(5)]
                : random.nextDouble(1e-6, 10_000);
        return new WaveformBatch(kiosk(), seq(), sensor(), random.nextBoolean() ? Signal.ECG : Signal.PLETH, unit(),
                sampleRate, instant(), positive(), IntSamples.of(samples));
    }

    private Measurement measurement() {
        double value = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(-50, 300) / 10.0;
            case 1 -> positive() * (random.nextBoolean() ? 1 : -1);
            default -> Double.longBitsToDouble(random.nextLong()) % 1e300;
        };
        if (!Double.isFinite(value)) {
            value = 1.5;
        }
        String loinc = new String[] {"8867-4", "59408-5", "8310-5", "29463-7", "8480-6", "8462-4", "8478-0"}[
                random.nextInt(7)];
        return new Measurement(kiosk(), seq(), sensor(), LoincCode.of(loinc), value, unit(), instant());
    }

    private KioskId kiosk() {
        return KioskId.of("k" + Long.toString(random.nextLong(0, Long.MAX_VALUE), 36) + "-" + random.nextInt(1000));
    }

    private SensorId sensor() {
        return SensorId.of(new String[] {"max30102", "ads1115", "mlx90614", "hx711", "bp-serial"}[random.nextInt(5)]);
    }

    private long seq() {
        return random.nextBoolean() ? random.nextLong(1, 1_000_000) : random.nextLong(1, Long.MAX_VALUE);
    }

    /** Printable ASCII without a space, now and then with a quote or a backslash (JSON escapes those). */
    private UcumUnit unit() {
        if (random.nextInt(4) > 0) {
            return UcumUnit.of(new String[] {"mV", "%", "/min", "mm[Hg]", "Cel", "kg", "[arb'U]", "{beats}/min"}[
                    random.nextInt(8)]);
        }
        char[] chars = new char[1 + random.nextInt(12)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt('!', '~' + 1);
        }
        return UcumUnit.of(new String(chars));
    }

    private Instant instant() {
        long seconds = random.nextLong(0, Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private double positive() {
        return Math.pow(10, random.nextDouble(-12, 12)) * random.nextDouble(1, 10);
    }
}

package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** The generator's hand-written CBOR of a reading against the protocol's codec: the same bytes, on many seeds. */
class ReadingBytesTest {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @Test
    void theLoadKiosksReadingsAreTheCodecsBytesOnManySeeds() {
        ReadingBytes writer = new ReadingBytes();
        for (long seed = 0; seed < 2_000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            KioskId kiosk = KioskId.of(String.format("load-%05d", random.nextInt(1, 100_000)));
            // KioskTraffic's three readings, with the values, sequence numbers and instants a run can give them
            for (KioskMessage reading : List.of(
                    ecg(kiosk, seq(random), instant(random), random),
                    pleth(kiosk, seq(random), instant(random), random),
                    new Measurement(kiosk, seq(random), SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                            36.5 + random.nextInt(50) * 0.02, UcumUnit.CELSIUS, instant(random)))) {
                assertArrayEquals(CBOR.encode(reading), writer.of(reading), () -> "seed " + reading);
            }
        }
    }

    @Test
    void anyValueOfEachFieldIsTheCodecsBytes() {
        ReadingBytes writer = new ReadingBytes();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            int[] samples = new int[random.nextInt(1, 600)];
            for (int j = 0; j < samples.length; j++) {
                samples[j] = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(-30, 30); // one-byte heads, both signs
                    case 1 -> random.nextInt(-70_000, 70_000); // one-, two- and three-byte arguments
                    case 2 -> random.nextInt(); // anything in 32 bits, Integer.MIN_VALUE's neighbours included
                    default -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
                };
            }
            long seq = switch (random.nextInt(3)) {
                case 0 -> random.nextLong(1, 30);
                case 1 -> random.nextLong(1, 1L << 33);
                default -> random.nextLong(1, Long.MAX_VALUE);
            };
            double value = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(-100, 100);
                case 1 -> random.nextDouble() * 1e6 - 5e5;
                default -> Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL); // finite
            };
            KioskId kiosk = KioskId.of("k" + Long.toString(random.nextLong(1, Long.MAX_VALUE), 36));
            Instant time = instant(random);
            KioskMessage batch = new WaveformBatch(kiosk, seq, SensorId.of("max30102"),
                    random.nextBoolean() ? Signal.ECG : Signal.PLETH, UcumUnit.of("mV"),
                    random.nextInt(1, 10_001) / (random.nextBoolean() ? 1.0 : 7.0), time,
                    Math.abs(value) + Double.MIN_VALUE, IntSamples.of(samples));
            KioskMessage spot = new Measurement(kiosk, seq, SensorId.of("hx711"), LoincCode.BODY_WEIGHT, value,
                    UcumUnit.of("kg"), time);
            assertArrayEquals(CBOR.encode(batch), writer.of(batch), () -> "batch " + batch);
            assertArrayEquals(CBOR.encode(spot), writer.of(spot), () -> "spot " + spot);
        }
    }

    @Test
    void everyFractionAndTheCalendarsEdgesAreWrittenAsTheCodecWritesThem() {
        ReadingBytes writer = new ReadingBytes();
        for (String text : List.of("2026-12-06T21:00:00Z", "2026-12-06T21:00:00.100Z", "2026-12-06T21:00:00.000100Z",
                "2026-12-06T21:00:00.000000100Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.5Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.123Z")) {
            Measurement m = new Measurement(KioskId.of("load-00001"), 1, SensorId.of("mlx90614"),
                    LoincCode.BODY_TEMPERATURE, 36.6, UcumUnit.CELSIUS, Instant.parse(text));
            assertArrayEquals(CBOR.encode(m), writer.of(m), text);
        }
    }

    @Test
    void whatItDoesNotKnowIsLeftToTheCodec() {
        ReadingBytes writer = new ReadingBytes();
        KioskId kiosk = KioskId.of("load-00001");
        assertNull(writer.of(new Presence(kiosk, Presence.State.ONLINE, 1)), "not a reading");
        assertNull(writer.of(new KioskStatus(kiosk, Instant.EPOCH, List.of(), 0, 0, "", 0)), "not a reading");
        assertNull(writer.of(new Measurement(kiosk, 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, Instant.parse("+10000-01-01T00:00:00Z"))), "a five-digit year");
        Measurement after = new Measurement(kiosk, 2, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, Instant.parse("2026-12-06T21:00:00Z"));
        assertArrayEquals(CBOR.encode(after), writer.of(after), "the writer is reusable after a refusal");
        assertEquals(CBOR.encode(after).length, writer.of(after).length);
    }

    private static WaveformBatch ecg(KioskId kiosk, long seq, Instant end, SplittableRandom random) {
        int[] ecg = new int[250];
        for (int i = 0; i < ecg.length; i++) {
            ecg[i] = random.nextInt(-300, 1200);
        }
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250,
                end.minusSeconds(1), 0.0025, IntSamples.of(ecg));
    }

    private static WaveformBatch pleth(KioskId kiosk, long seq, Instant end, SplittableRandom random) {
        int[] pleth = new int[100];
        for (int i = 0; i < pleth.length; i++) {
            pleth[i] = random.nextInt(100_000, 200_000);
        }
        return new WaveformBatch(kiosk, seq, SensorId.of("max30102"), Signal.PLETH, UcumUnit.ARBITRARY, 100,
                end.minusSeconds(1), 1, IntSamples.of(pleth));
    }

    private static long seq(SplittableRandom random) {
        return random.nextBoolean() ? random.nextLong(1, 100_000) : random.nextLong(1, 1L << 40);
    }

    /** From 1970 to 2100, with no fraction, milliseconds, microseconds (as Instant.now() here) or nanoseconds. */
    private static Instant instant(SplittableRandom random) {
        long second = random.nextLong(0, 4_102_444_800L);
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }
}

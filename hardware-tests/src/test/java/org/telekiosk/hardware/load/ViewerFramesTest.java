package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.viewer.ViewerEvent;

/** The generator's reading of vitals frames, on frames made by the protocol's own JSON codec, as the broker makes them. */
class ViewerFramesTest {
    private static final WireCodec JSON = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
    private static final KioskId KIOSK = KioskId.of("load-00001");

    @Test
    void aReadingIsCompleteAtItsTakenAt() {
        Instant takenAt = Instant.parse("2026-12-06T11:41:07.123456Z");
        byte[] frame = JSON.encode(new ViewerEvent.Reading(new Measurement(KIOSK, 7, SensorId.of("mlx90614"),
                LoincCode.BODY_TEMPERATURE, 36.62, UcumUnit.CELSIUS, takenAt)));

        assertEquals(ViewerFrames.SPOT, ViewerFrames.kind(frame, frame.length));
        assertEquals(micros(takenAt), ViewerFrames.completeMicros(frame, frame.length, ViewerFrames.SPOT));
    }

    @Test
    void aBatchIsCompleteAtItsStartPlusItsSamplesOverItsRate() {
        Instant start = Instant.parse("2026-12-06T11:41:06.5Z");
        int[] samples = new int[250];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i * 7 - 300;
        }
        WaveformBatch ecg = new WaveformBatch(KIOSK, 8, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 500,
                start, 0.0025, IntSamples.of(samples));
        byte[] frame = JSON.encode(new ViewerEvent.Waveform(ecg));

        assertEquals(ViewerFrames.BATCH, ViewerFrames.kind(frame, frame.length));
        assertEquals(micros(start.plus(ecg.duration())),
                ViewerFrames.completeMicros(frame, frame.length, ViewerFrames.BATCH), "start + 250 / 500 Hz");
    }

    @Test
    void aFrameIsReadOnlyUpToItsLengthInALargerBuffer() {
        Instant start = Instant.parse("2026-12-06T11:41:06Z");
        byte[] frame = JSON.encode(new ViewerEvent.Waveform(new WaveformBatch(KIOSK, 9, SensorId.of("max30102"),
                Signal.PLETH, UcumUnit.ARBITRARY, 100, start, 1, IntSamples.of(150_000, 150_001, 150_002))));
        byte[] buffer = new byte[frame.length + 64];
        System.arraycopy(frame, 0, buffer, 0, frame.length);
        buffer[frame.length] = ',';

        assertEquals(micros(start) + 30_000, ViewerFrames.completeMicros(buffer, frame.length, ViewerFrames.BATCH));
    }

    @Test
    void otherEventsAreNoReadingsAndAFrameWithoutItsFieldIsRefused() {
        byte[] welcome = JSON.encode(new ViewerEvent.Welcome(1, "telekiosk-broker"));
        assertEquals(ViewerFrames.OTHER, ViewerFrames.kind(welcome, welcome.length));

        byte[] truncated = "{\"type\":\"reading\",\"measurement\":{\"type\":\"measurement\""
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(ViewerFrames.SPOT, ViewerFrames.kind(truncated, truncated.length));
        assertThrows(IllegalArgumentException.class,
                () -> ViewerFrames.completeMicros(truncated, truncated.length, ViewerFrames.SPOT));
    }

    @Test
    void instantsAndSampleRatesReadInPlaceAreWhatParsingThemGives() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(16);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
                    switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1_000;
                        default -> random.nextInt(1_000_000_000);
                    });
            byte[] text = ("\"" + t + "\"").getBytes(StandardCharsets.US_ASCII);
            assertEquals(micros(t), ViewerFrames.micros(text, 1, text.length - 1), t::toString);
            assertEquals(ViewerFrames.parsed(text, 1, text.length - 1), ViewerFrames.micros(text, 1, text.length - 1));
        }
        for (String odd : new String[] {"2026-12-06T21:00:00.1Z", "2026-12-06T21:00:00.12345Z", "2024-02-29T00:00:00Z",
            "2026-12-06T21:00:00.123456789Z", "+10000-01-01T00:00:00Z"}) {
            byte[] text = odd.getBytes(StandardCharsets.US_ASCII);
            assertEquals(ViewerFrames.parsed(text, 0, text.length), ViewerFrames.micros(text, 0, text.length), odd);
        }
        for (String bad : new String[] {"2026-13-01T00:00:00Z", "2026-12-06T21:00Z", "2026-12-06T21:00:00"}) {
            byte[] text = bad.getBytes(StandardCharsets.US_ASCII);
            assertThrows(java.time.format.DateTimeParseException.class,
                    () -> ViewerFrames.micros(text, 0, text.length), bad);
        }
        for (double rate : new double[] {250, 100, 1, 10_000, 0.5, 333.3333333333333, 1e-3, 7.0 / 3}) {
            byte[] text = Double.toString(rate).getBytes(StandardCharsets.US_ASCII);
            assertEquals(rate, ViewerFrames.number(text, 0, text.length), Double.toString(rate));
        }
    }

    @Test
    void theOldAndTheNewReadingOfAFrameAgree() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        for (int i = 0; i < 2_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(1_700_000_000L, 1_900_000_000L),
                    random.nextInt(1_000_000) * 1_000);
            int[] samples = new int[random.nextInt(1, 300)];
            byte[] frame = random.nextBoolean()
                    ? JSON.encode(new ViewerEvent.Reading(new Measurement(KIOSK, i + 1, SensorId.of("mlx90614"),
                            LoincCode.BODY_TEMPERATURE, 36.5, UcumUnit.CELSIUS, t)))
                    : JSON.encode(new ViewerEvent.Waveform(new WaveformBatch(KIOSK, i + 1, SensorId.of("ads1115"),
                            Signal.ECG, UcumUnit.MILLIVOLT,
                            random.nextInt(1, 1001) / (random.nextBoolean() ? 1.0 : 4.0), t, 0.0025,
                            IntSamples.of(samples))));
            int kind = ViewerFrames.kind(frame, frame.length);
            assertEquals(ViewerFrames.completeMicros(frame, frame.length, kind, false),
                    ViewerFrames.completeMicros(frame, frame.length, kind, true), () -> new String(frame,
                            StandardCharsets.UTF_8));
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }
}

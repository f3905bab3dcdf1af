package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** The readings' fast path is the one the agent's own encoding takes; what it does not know goes the long way. */
class ReadingCborTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    private static final Instant NOW = Instant.parse("2026-12-06T17:56:01.123456789Z");

    /** The three readings of the load generator's kiosks ({@code KioskTraffic}) and of the agent's sensors. */
    static KioskMessage[] agentReadings() {
        SplittableRandom random = new SplittableRandom(16);
        int[] ecg = random.ints(250, -300, 1200).toArray();
        int[] pleth = random.ints(100, 100_000, 200_000).toArray();
        return new KioskMessage[] {
            new Measurement(KIOSK, 41, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5 + 7 * 0.02,
                    UcumUnit.CELSIUS, NOW),
            new WaveformBatch(KIOSK, 42, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250,
                    NOW.minusSeconds(1), 0.0025, IntSamples.of(ecg)),
            new WaveformBatch(KIOSK, 43, SensorId.of("max30102"), Signal.PLETH, UcumUnit.ARBITRARY, 100,
                    NOW.minusSeconds(1), 1, IntSamples.of(pleth)),
        };
    }

    @Test
    void theAgentsEncodingOfEachReadingTakesTheFastPathToTheSameRecord() throws Exception {
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        WireCodec full = WireCodec.cborWithoutFastPath(WireCodec.DEFAULT_MAX_BYTES);
        KioskMessage[] readings = agentReadings();
        for (int i = 0; i < readings.length; i++) {
            byte[] payload = codec.encode(readings[i]); // what the agent's outbox and uplink send
            assertEquals(readings[i], ReadingCbor.read(payload));
            assertEquals(readings[i], codec.decode(payload, KioskMessage.class));
            assertEquals(i + 1, codec.fastDecodes(), "fast decodes after " + readings[i].getClass().getSimpleName());
            assertEquals(readings[i], full.decode(payload, KioskMessage.class));
        }
        assertEquals(0, full.fastDecodes());
    }

    @Test
    void eachReadingIsReadInPlaceFromTheMqttBrokersReadOnlyBufferWhichIsLeftAsItWas() throws Exception {
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        KioskMessage[] readings = agentReadings();
        for (int i = 0; i < readings.length; i++) {
            byte[] payload = codec.encode(readings[i]);
            // HiveMQ's payload: a read-only view, no array() to take; here a slice of a larger array, junk around it.
            byte[] around = new byte[payload.length + 7];
            java.util.Arrays.fill(around, (byte) 0xff);
            System.arraycopy(payload, 0, around, 3, payload.length);
            ByteBuffer buffer = ByteBuffer.wrap(around, 3, payload.length).asReadOnlyBuffer();
            assertEquals(readings[i], codec.decode(buffer, KioskMessage.class));
            assertEquals(i + 1, codec.fastDecodes());
            assertEquals(3, buffer.position());
            assertEquals(3 + payload.length, buffer.limit());
        }
    }

    @Test
    void fromABufferTooLargeEmptyAndMalformedPayloadsAreRefusedAsFromBytes() {
        WireCodec codec = WireCodec.cbor(1024);
        byte[] tooLarge = new byte[1025];
        byte[] badCheckDigit = WireCodecTest.Format.CBOR.bytes(WireCodecTest.VALID.replace("8310-5", "8310-4"));
        byte[] notCbor = "{\"type\":\"measurement\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte[] payload : new byte[][] {tooLarge, new byte[0], badCheckDigit, notCbor}) {
            MalformedMessageException fromBytes = assertThrows(MalformedMessageException.class,
                    () -> codec.decode(payload, KioskMessage.class));
            byte[] around = new byte[payload.length + 2];
            System.arraycopy(payload, 0, around, 1, payload.length);
            ByteBuffer buffer = ByteBuffer.wrap(around, 1, payload.length).asReadOnlyBuffer();
            MalformedMessageException fromBuffer = assertThrows(MalformedMessageException.class,
                    () -> codec.decode(buffer, KioskMessage.class));
            assertEquals(fromBytes.reason(), fromBuffer.reason());
            assertEquals(fromBytes.getMessage(), fromBuffer.getMessage());
            assertEquals(1, buffer.position());
        }
        assertEquals(0, codec.fastDecodes());
    }

    @Test
    void theReadmesExampleBytesTakeTheFastPath() throws Exception {
        byte[] example = HexFormat.of().parseHex("bf6474797065" + "6b6d656173757265" + "6d656e74"
                + "656b696f736b6a776d6b2d6c61622d3033" + "63736571182a" + "6673656e736f72686d6c783930363134"
                + "656c6f696e6366383331302d35" + "6576616c7565fb40426ccccccccccd" + "64756e69746343656c"
                + "6774616b656e41747818323032362d31312d32325431303a31353a33302e3235305a" + "ff");
        assertEquals(129, example.length);
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        assertEquals(WireCodecTest.SAMPLE, codec.decode(example, KioskMessage.class));
        assertEquals(1, codec.fastDecodes());
    }

    @Test
    void aRefusedReadingDoesNotTakeTheFastPath() {
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        byte[] badCheckDigit = WireCodecTest.Format.CBOR.bytes(WireCodecTest.VALID.replace("8310-5", "8310-4"));
        assertNull(ReadingCbor.read(badCheckDigit));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> codec.decode(badCheckDigit, KioskMessage.class));
        assertEquals("LOINC code '8310-4' has a wrong check digit (expected 5)", e.getMessage());
        assertEquals(0, codec.fastDecodes());
    }

    @Test
    void otherMessagesAndOtherTargetTypesGoTheLongWay() throws Exception {
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        byte[] measurement = codec.encode(WireCodecTest.SAMPLE);
        assertNotNull(codec.decode(measurement, Measurement.class));
        byte[] status = codec.encode(new org.telekiosk.protocol.telemetry.Presence(KIOSK,
                org.telekiosk.protocol.telemetry.Presence.State.ONLINE, 1));
        assertNull(ReadingCbor.read(status));
        assertNotNull(codec.decode(status, KioskMessage.class));
        assertEquals(0, codec.fastDecodes());
        WireCodec json = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
        assertEquals(WireCodecTest.SAMPLE, json.decode(json.encode(WireCodecTest.SAMPLE), KioskMessage.class));
        assertEquals(0, json.fastDecodes());
    }
}

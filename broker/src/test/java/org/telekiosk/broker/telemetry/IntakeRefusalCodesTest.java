package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * The intake counts each refused payload under the code that names what happened (protocol/README.md, "Refused
 * payloads"): bytes that are not one CBOR map are {@code not-decodable}, whatever they are instead.
 */
class IntakeRefusalCodesTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    final WireCodec cbor = WireCodec.cbor(1024);
    final List<KioskMessage> forwarded = new ArrayList<>();
    final MeasurementIntake intake = new MeasurementIntake(cbor, forwarded::add);
    final Measurement reading = new Measurement(KIOSK, 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.7,
            UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z"));

    @Test
    void eachRefusalIsCountedUnderTheCodeOfWhatHappened() {
        String topic = Topics.measurements(KIOSK);
        byte[] good = cbor.encode(reading);
        intake.accept(topic, WireCodec.json(1024).encode(reading));
        intake.accept(topic, Arrays.copyOf(good, good.length + 1));
        intake.accept(topic, cbor.encode(List.of(1, 2)));
        intake.accept(topic, "hello".getBytes(StandardCharsets.UTF_8));
        intake.accept(topic, cbor.encode(Map.of("type", "teleport")));
        intake.accept(topic, cbor.encode(Map.of("type", "measurement", "seq", 1)));

        Map<String, Long> counts = intake.rejectedCounts();
        assertEquals(4L, counts.get("not-decodable"), "JSON, a trailing byte, an array and text are not one CBOR map: "
                + counts);
        assertEquals(1L, counts.get("unknown-type"), "a map of an unknown type: " + counts);
        assertEquals(1L, counts.get("invalid-field"), "a measurement with fields missing: " + counts);
        assertEquals(6L, counts.values().stream().mapToLong(Long::longValue).sum(), counts.toString());
        assertTrue(forwarded.isEmpty());
    }
}

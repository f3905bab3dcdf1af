package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.store.RefusedReading;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.KioskUplink;
import org.telekiosk.protocol.topic.Topics;

class MeasurementIntakeTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    final WireCodec cbor = WireCodec.cbor(1024);
    final List<KioskMessage> forwarded = new ArrayList<>();
    final MeasurementIntake intake = new MeasurementIntake(cbor, forwarded::add);
    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(MeasurementIntake.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(MeasurementIntake.class)).detachAppender(log);
    }

    static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.7,
                UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void aValidMeasurementIsForwarded() {
        Measurement m = reading(KIOSK, 1);
        assertEquals(m, intake.accept(Topics.measurements(KIOSK), cbor.encode(m)).orElseThrow());
        assertEquals(List.of(m), forwarded);
        assertEquals(1, intake.acceptedCount());
    }

    @Test
    void badMessagesAreRejectedCountedAndLoggedOnceEachWhileGoodOnesKeepFlowing() {
        String topic = Topics.measurements(KIOSK);
        intake.accept(topic, "garbage \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        intake.accept(topic, WireCodec.cbor(1024).encode(java.util.Map.of("type", "measurement", "seq", 1)));
        intake.accept(topic, cbor.encode(reading(KioskId.of("other-kiosk"), 2)));
        intake.accept("telekiosk/v1/kiosks/WMK/measurements", cbor.encode(reading(KIOSK, 3)));
        intake.accept(topic, new byte[2048]);
        intake.accept(topic, cbor.encode(reading(KIOSK, 4)));

        assertEquals(List.of(reading(KIOSK, 4)), forwarded, "only the good reading is forwarded");
        assertEquals(2, intake.rejectedCount(Reason.MISMATCH), "kiosk mismatch and foreign topic");
        assertEquals(1, intake.rejectedCount(Reason.TOO_LARGE));
        long rejected = intake.rejectedCounts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(5, rejected);
        List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(5, warnings.size(), "one log line per kiosk and refusal code: five different ones here");
        assertTrue(warnings.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack traces");
        assertTrue(warnings.get(2).getFormattedMessage().contains(KIOSK.value() + " on")
                && warnings.get(2).getFormattedMessage().contains(": mismatch"), warnings.get(2).getFormattedMessage());
    }

    @Test
    void aStatusOnTheStatusTopicAndAWaveformOnTheMeasurementsTopicAreForwarded() {
        KioskStatus status = new KioskStatus(KIOSK, Instant.parse("2026-11-22T10:00:00Z"),
                List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.FAULTY, "checksum mismatch")), 3, 0);
        WaveformBatch ecg = new WaveformBatch(KIOSK, 5, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250,
                Instant.parse("2026-11-22T10:00:00Z"), 0.001, List.of(12, -40, 900, 15));
        assertEquals(status, intake.accept(Topics.status(KIOSK), cbor.encode(status)).orElseThrow());
        assertEquals(ecg, intake.accept(Topics.measurements(KIOSK), cbor.encode(ecg)).orElseThrow());
        assertEquals(List.of(status, ecg), forwarded);
    }

    @Test
    void aMessageOnTheWrongChannelIsAMismatch() {
        KioskStatus status = new KioskStatus(KIOSK, Instant.parse("2026-11-22T10:00:00Z"), List.of(), 0, 0);
        intake.accept(Topics.measurements(KIOSK), cbor.encode(status));
        intake.accept(Topics.status(KIOSK), cbor.encode(reading(KIOSK, 1)));
        assertEquals(2, intake.rejectedCount(Reason.MISMATCH));
        assertTrue(forwarded.isEmpty());
    }

    @Test
    void theWrongSchemaIsAnInvalidField() {
        intake.accept(Topics.measurements(KIOSK),
                WireCodec.cbor(1024).encode(java.util.Map.of("type", "measurement", "seq", 1)));
        assertEquals(1, intake.rejectedCount(Reason.INVALID_FIELD));
    }

    @Test
    void controlCharactersInATopicDoNotReachTheLog() {
        intake.accept("evil\n2026-11-22 FAKE LOG LINE", new byte[] {1});
        assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("\n")));
    }

    @Test
    void aRefusedPayloadThatNamesASeqOnAKiosksMeasurementsTopicIsHandedOnAsARefusalOfThatKioskAndNumber() {
        List<RefusedReading> refusals = new ArrayList<>();
        MeasurementIntake refusing = MeasurementIntake.withSink(cbor, new MessageSink() {
            @Override
            public java.util.concurrent.CompletionStage<Void> take(KioskMessage message) {
                forwarded.add(message);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> refuse(RefusedReading refusal) {
                refusals.add(refusal);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        });
        String topic = Topics.measurements(KIOSK);
        java.util.Map<String, Object> badLoinc = new java.util.LinkedHashMap<>();
        badLoinc.put("type", "measurement");
        badLoinc.put("kiosk", KIOSK.value());
        badLoinc.put("seq", 7);
        badLoinc.put("sensor", "mlx90614");
        badLoinc.put("loinc", "8310-4");
        badLoinc.put("value", 36.7);
        badLoinc.put("unit", "Cel");
        badLoinc.put("takenAt", "2026-11-22T10:00:00Z");
        java.util.Map<String, Object> nan = new java.util.LinkedHashMap<>(badLoinc);
        nan.put("seq", 8);
        nan.put("loinc", "8310-5");
        nan.put("value", Double.NaN);
        java.util.Map<String, Object> unknownField = new java.util.LinkedHashMap<>(nan);
        unknownField.put("seq", 9);
        unknownField.put("value", 36.7);
        unknownField.put("colour", "blue");

        refusing.handle(topic, cbor.encode(badLoinc)).toCompletableFuture().join();
        refusing.handle(topic, cbor.encode(nan)).toCompletableFuture().join();
        refusing.handle(topic, cbor.encode(unknownField)).toCompletableFuture().join();
        refusing.handle(topic, cbor.encode(reading(KioskId.of("other-kiosk"), 10))).toCompletableFuture().join();
        refusing.handle(topic, "garbage".getBytes(StandardCharsets.US_ASCII)).toCompletableFuture().join();
        refusing.handle(Topics.status(KIOSK), cbor.encode(reading(KIOSK, 11))).toCompletableFuture().join();
        refusing.handle(topic, cbor.encode(reading(KIOSK, 12))).toCompletableFuture().join();

        assertEquals(List.of(7L, 8L, 9L, 10L), refusals.stream().map(RefusedReading::seq).toList());
        assertEquals(List.of(KIOSK), refusals.stream().map(RefusedReading::kiosk).distinct()
                .toList(), "a refusal belongs to the topic's kiosk (the only one allowed to publish there)");
        assertEquals(List.of("invalid-field", "invalid-field", "invalid-field", "mismatch"),
                refusals.stream().map(RefusedReading::reason).toList());
        assertEquals(List.of(reading(KIOSK, 12)), forwarded);
    }
    @Test
    void fromTheMqttBrokersReadOnlyBufferEveryPayloadIsTakenOrRefusedAsFromBytesAndARefusedOneKeptExactly() {
        String topic = Topics.measurements(KIOSK);
        java.util.Map<String, Object> badLoinc = new java.util.LinkedHashMap<>();
        badLoinc.put("type", "measurement");
        badLoinc.put("kiosk", KIOSK.value());
        badLoinc.put("seq", 7);
        badLoinc.put("sensor", "mlx90614");
        badLoinc.put("loinc", "8310-4");
        badLoinc.put("value", 36.7);
        badLoinc.put("unit", "Cel");
        badLoinc.put("takenAt", "2026-11-22T10:00:00Z");
        byte[] tooLarge = new byte[1025];
        tooLarge[0] = (byte) 0xa1; // a map, then garbage: refused for its size before anything is read
        byte[][] payloads = {cbor.encode(badLoinc), cbor.encode(reading(KioskId.of("other-kiosk"), 10)),
            "garbage".getBytes(StandardCharsets.US_ASCII), tooLarge, new byte[0], cbor.encode(reading(KIOSK, 12))};
        List<RefusedReading> fromBytes = new ArrayList<>();
        List<RefusedReading> fromBuffers = new ArrayList<>();
        List<KioskMessage> taken = new ArrayList<>();
        MeasurementIntake bytesIntake = MeasurementIntake.withSink(cbor, keeping(taken, fromBytes));
        MeasurementIntake bufferIntake = MeasurementIntake.withSink(cbor, keeping(taken, fromBuffers));
        // As the in-process intake hands it on: the topic parsed already, from the kiosk connection's KioskUplink.
        KioskUplink uplink = KioskUplink.of(KIOSK);
        List<RefusedReading> fromParsed = new ArrayList<>();
        List<KioskMessage> takenParsed = new ArrayList<>();
        MeasurementIntake parsedIntake = MeasurementIntake.withSink(cbor, keeping(takenParsed, fromParsed));
        for (byte[] payload : payloads) {
            String expected = bytesIntake.handleOrRefuse(topic, payload).toCompletableFuture().join().orElse("taken");
            byte[] around = new byte[payload.length + 9];
            java.util.Arrays.fill(around, (byte) 0x5a);
            System.arraycopy(payload, 0, around, 4, payload.length);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(around, 4, payload.length).asReadOnlyBuffer();
            assertEquals(expected, bufferIntake.handleOrRefuse(topic, buffer).toCompletableFuture().join()
                    .orElse("taken"));
            assertEquals(4, buffer.position());
            assertEquals(expected, parsedIntake.handleOrRefuse(uplink.parse(topic).orElseThrow(), buffer)
                    .toCompletableFuture().join().orElse("taken"));
            assertEquals(4, buffer.position());
        }
        assertEquals(bytesIntake.rejectedCounts(), parsedIntake.rejectedCounts());
        assertEquals(List.of(reading(KIOSK, 12)), takenParsed);
        assertSame(KIOSK, takenParsed.get(0).kiosk(), "the reading names the topic's kiosk: its id, not a new one");
        assertEquals(fromBytes.stream().map(r -> r.seq() + " " + r.reason() + " " + r.detail()).toList(),
                fromParsed.stream().map(r -> r.seq() + " " + r.reason() + " " + r.detail()).toList());
        for (int i = 0; i < fromParsed.size(); i++) {
            assertTrue(java.util.Arrays.equals(fromBytes.get(i).payload(), fromParsed.get(i).payload()));
        }
        assertEquals(bytesIntake.rejectedCounts(), bufferIntake.rejectedCounts());
        assertEquals(java.util.Map.of("invalid-field", 1L, "mismatch", 1L, "not-decodable", 2L, "too-large", 1L,
                "unknown-type", 0L), bufferIntake.rejectedCounts());
        assertEquals(List.of(reading(KIOSK, 12), reading(KIOSK, 12)), taken);
        assertEquals(List.of(7L, 10L), fromBuffers.stream().map(RefusedReading::seq).toList());
        for (int i = 0; i < fromBytes.size(); i++) {
            assertEquals(fromBytes.get(i).reason(), fromBuffers.get(i).reason());
            assertEquals(fromBytes.get(i).detail(), fromBuffers.get(i).detail());
            assertTrue(java.util.Arrays.equals(fromBytes.get(i).payload(), fromBuffers.get(i).payload()),
                    "the refused payload is kept as it came, exactly the buffer's bytes");
        }
        // A reading on the kiosk's status channel: refused on the parsed topic as on its name, counted alike.
        byte[] onStatus = cbor.encode(reading(KIOSK, 13));
        assertEquals(bytesIntake.handleOrRefuse(Topics.status(KIOSK), onStatus).toCompletableFuture().join(),
                parsedIntake.handleOrRefuse(uplink.parse(Topics.status(KIOSK)).orElseThrow(),
                        java.nio.ByteBuffer.wrap(onStatus).asReadOnlyBuffer()).toCompletableFuture().join());
        assertEquals(bytesIntake.rejectedCounts(), parsedIntake.rejectedCounts());
    }

    private static MessageSink keeping(List<KioskMessage> taken, List<RefusedReading> refusals) {
        return new MessageSink() {
            @Override
            public java.util.concurrent.CompletionStage<Void> take(KioskMessage message) {
                taken.add(message);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> refuse(RefusedReading refusal) {
                refusals.add(refusal);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        };
    }
}

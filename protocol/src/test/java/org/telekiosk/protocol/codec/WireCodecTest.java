package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.Topics;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

class WireCodecTest {

    static final Measurement SAMPLE = new Measurement(KioskId.of("wmk-lab-03"), 42, SensorId.of("mlx90614"),
            LoincCode.BODY_TEMPERATURE, 36.85, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:15:30.250Z"));

    static final String VALID = """
            {"type":"measurement","kiosk":"wmk-lab-03","seq":42,"sensor":"mlx90614","loinc":"8310-5",
             "value":36.85,"unit":"Cel","takenAt":"2026-11-22T10:15:30.250Z"}""";

    /** The same test input in both wire formats: CBOR is made from the JSON text token by token. */
    enum Format {
        JSON {
            @Override
            WireCodec codec() {
                return WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
            }

            @Override
            byte[] bytes(String json) {
                return json.getBytes(StandardCharsets.UTF_8);
            }
        },
        CBOR {
            @Override
            WireCodec codec() {
                return WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
            }

            @Override
            byte[] bytes(String json) {
                // A lenient parser (no duplicate detection) so that malformed structures are carried over as they are.
                try (JsonParser parser = new JsonFactory().createParser(json)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (JsonGenerator gen = new CBORFactory().createGenerator(out)) {
                        while (parser.nextToken() != null) {
                            gen.copyCurrentEvent(parser);
                        }
                    }
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };

        abstract WireCodec codec();

        abstract byte[] bytes(String json);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aMeasurementSurvivesARoundTrip(Format format) throws Exception {
        WireCodec codec = format.codec();
        KioskMessage decoded = codec.decode(codec.encode(SAMPLE), KioskMessage.class);
        assertEquals(SAMPLE, decoded);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void theDocumentedExampleDecodes(Format format) throws Exception {
        assertEquals(SAMPLE, format.codec().decode(format.bytes(VALID), KioskMessage.class));
    }

    @Test
    void jsonEncodingIsTheDocumentedShape() {
        String json = WireCodec.json(1024).encodeToString(SAMPLE);
        assertEquals(VALID.replace("\n", "").replace(" ", ""), json);
    }

    @Test
    void cborIsSmallerThanJson() {
        int json = WireCodec.json(1024).encode(SAMPLE).length;
        int cbor = WireCodec.cbor(1024).encode(SAMPLE).length;
        assertTrue(cbor < json, "CBOR " + cbor + " bytes, JSON " + json + " bytes");
    }

    static Stream<Format> formats() {
        return Arrays.stream(Format.values());
    }

    static Stream<Arguments> malformed() {
        String[][] cases = {
            {"duplicate key", VALID.replace("\"seq\":42", "\"seq\":42,\"seq\":43"), "NOT_DECODABLE"},
            {"unknown type", VALID.replace("\"measurement\"", "\"teleport\""), "UNKNOWN_TYPE"},
            {"missing type", VALID.replace("\"type\":\"measurement\",", ""), "UNKNOWN_TYPE"},
            {"missing field", VALID.replace("\"unit\":\"Cel\",", ""), "INVALID_FIELD"},
            {"null field", VALID.replace("\"Cel\"", "null"), "INVALID_FIELD"},
            {"unknown field", VALID.replace("\"seq\":42", "\"seq\":42,\"extra\":1"), "INVALID_FIELD"},
            {"number as string", VALID.replace("\"seq\":42", "\"seq\":\"42\""), "INVALID_FIELD"},
            {"fraction for a whole number", VALID.replace("\"seq\":42", "\"seq\":42.5"), "INVALID_FIELD"},
            {"sequence zero", VALID.replace("\"seq\":42", "\"seq\":0"), "INVALID_FIELD"},
            {"invalid kiosk id", VALID.replace("wmk-lab-03", "WMK/#"), "INVALID_FIELD"},
            {"wrong LOINC check digit", VALID.replace("8310-5", "8310-4"), "INVALID_FIELD"},
            {"time as a number", VALID.replace("\"2026-11-22T10:15:30.250Z\"", "1763806530"), "INVALID_FIELD"},
            {"time not ISO-8601", VALID.replace("2026-11-22T10:15:30.250Z", "22.11.2026"), "INVALID_FIELD"},
            {"array instead of object", "[" + VALID + "]", "NOT_DECODABLE"},
            {"trailing data", VALID + " {}", "NOT_DECODABLE"},
            {"trailing number", VALID + " 0", "NOT_DECODABLE"},
            {"not a message at all", "\"hello\"", "NOT_DECODABLE"},
        };
        return formats().flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1], Reason.valueOf(c[2]))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformed")
    void malformedInputIsRefusedWithItsReason(Format format, String what, String json, Reason reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskMessage.class));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().length() < 300, "error messages stay short: " + e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aMissingOrNullFieldIsNamedPlainly(Format format) {
        MalformedMessageException missing = assertThrows(MalformedMessageException.class, () -> format.codec()
                .decode(format.bytes(VALID.replace("\"seq\":42,", "")), KioskMessage.class));
        assertEquals("missing field 'seq'", missing.getMessage());
        MalformedMessageException nul = assertThrows(MalformedMessageException.class, () -> format.codec()
                .decode(format.bytes(VALID.replace("\"Cel\"", "null")), KioskMessage.class));
        assertEquals("field 'unit' is null", nul.getMessage());
    }

    @ParameterizedTest
    @MethodSource("formats")
    void garbageBytesAreNotDecodable(Format format) {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 0x37, (byte) 0x9f};
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(garbage, KioskMessage.class));
        assertTrue(e.reason() == Reason.NOT_DECODABLE || e.reason() == Reason.INVALID_FIELD, e.getMessage());
    }

    @Test
    void jsonBytesWhereCborIsExpectedAreNotDecodableAndSaySo() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> WireCodec.cbor(1024).decode(VALID.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        KioskMessage.class));
        assertEquals(Reason.NOT_DECODABLE, e.reason(), e.getMessage());
        assertEquals("not a CBOR map (JSON? the payload must be CBOR)", e.getMessage());
    }

    @Test
    void oneTrailingByteAfterACborMeasurementIsNotDecodable() {
        byte[] cbor = WireCodec.cbor(1024).encode(SAMPLE);
        byte[] longer = Arrays.copyOf(cbor, cbor.length + 1);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> WireCodec.cbor(1024).decode(longer, KioskMessage.class));
        assertEquals(Reason.NOT_DECODABLE, e.reason(), e.getMessage());
        assertEquals("trailing data after the message", e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("formats")
    void emptyInputIsNotDecodable(Format format) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(new byte[0], KioskMessage.class));
        assertEquals(Reason.NOT_DECODABLE, e.reason());
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeParsing() {
        WireCodec codec = WireCodec.json(128);
        byte[] big = new byte[129];
        Arrays.fill(big, (byte) '{');
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> codec.decode(big, KioskMessage.class));
        assertEquals(Reason.TOO_LARGE, e.reason());
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "{\"x\":" + "[".repeat(100) + "]".repeat(100) + ",\"type\":\"ping\",\"nonce\":\"a\"}";
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> WireCodec.json(4096).decode(deep, ViewerRequest.class));
        assertEquals(Reason.NOT_DECODABLE, e.reason());
    }

    @Test
    void aMessageForTheOtherDirectionIsAnUnknownType() {
        WireCodec codec = WireCodec.json(4096);
        String pong = codec.encodeToString(new ViewerEvent.Pong("n1"));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> codec.decode(pong, ViewerRequest.class));
        assertEquals(Reason.UNKNOWN_TYPE, e.reason());
    }

    @Test
    void viewerMessagesRoundTrip() throws Exception {
        WireCodec codec = WireCodec.json(4096);
        for (ViewerEvent event : new ViewerEvent[] {new ViewerEvent.Welcome(1, "telekiosk"),
                new ViewerEvent.Reading(SAMPLE), new ViewerEvent.Pong("abc"),
                new ViewerEvent.Error("invalid-field", "nonce is missing")}) {
            assertEquals(event, codec.decode(codec.encode(event), ViewerEvent.class));
        }
        assertEquals(new ViewerRequest.Ping("x-1"), codec.decode("{\"type\":\"ping\",\"nonce\":\"x-1\"}",
                ViewerRequest.class));
    }

    @Test
    void theReadingEventCarriesTheMeasurementAsTheKioskSentIt() throws Exception {
        WireCodec codec = WireCodec.json(4096);
        String json = codec.encodeToString(new ViewerEvent.Reading(SAMPLE));
        assertEquals("{\"type\":\"reading\",\"measurement\":" + codec.encodeToString(SAMPLE) + "}", json);
        assertInstanceOf(ViewerEvent.Reading.class, codec.decode(json, ViewerEvent.class));
    }

    static final WaveformBatch ECG = new WaveformBatch(KioskId.of("wmk-lab-03"), 43, SensorId.of("ads1115"),
            Signal.ECG, UcumUnit.MILLIVOLT, 250, Instant.parse("2026-11-22T10:15:31Z"), 0.001,
            List.of(-12, 35, 1210, -300, 0));
    static final KioskStatus STATUS = new KioskStatus(KioskId.of("wmk-lab-03"), Instant.parse("2026-11-22T10:15:32Z"),
            List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, ""),
                    new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6")), 2, 0);

    @ParameterizedTest
    @MethodSource("formats")
    void waveformsAndStatusSurviveARoundTrip(Format format) throws Exception {
        WireCodec codec = format.codec();
        assertEquals(ECG, codec.decode(codec.encode(ECG), KioskMessage.class));
        assertEquals(STATUS, codec.decode(codec.encode(STATUS), KioskMessage.class));
    }

    @Test
    void theWaveformAndStatusShapesAreTheDocumentedOnes() {
        WireCodec json = WireCodec.json(4096);
        assertEquals("{\"type\":\"waveform\",\"kiosk\":\"wmk-lab-03\",\"seq\":43,\"sensor\":\"ads1115\","
                + "\"signal\":\"ecg\",\"unit\":\"mV\",\"sampleRate\":250.0,\"start\":\"2026-11-22T10:15:31Z\","
                + "\"scale\":0.001,\"samples\":[-12,35,1210,-300,0]}", json.encodeToString(ECG));
        assertEquals("{\"type\":\"status\",\"kiosk\":\"wmk-lab-03\",\"sentAt\":\"2026-11-22T10:15:32Z\","
                + "\"sensors\":[{\"sensor\":\"mlx90614\",\"state\":\"present\",\"detail\":\"\"},"
                + "{\"sensor\":\"hx711\",\"state\":\"absent\",\"detail\":\"no answer on GPIO 5/6\"}],"
                + "\"queued\":2,\"dropped\":0,\"outboxFault\":\"\",\"heldFrom\":0}", json.encodeToString(STATUS));
    }

    static final StoreAck STORE_ACK = new StoreAck(KioskId.of("wmk-lab-03"), 5381);

    @Test
    void theStoreAckHasTheDocumentedBytes() throws Exception {
        WireCodec cbor = WireCodec.cbor(4096);
        // The bytes protocol/README.md shows.
        assertEquals("bf647479706569" + "73746f72652d61636b" + "656b696f736b" + "6a776d6b2d6c61622d3033"
                + "6d73746f7265645468726f756768" + "191505" + "ff",
                java.util.HexFormat.of().formatHex(cbor.encode(STORE_ACK)));
        assertEquals(STORE_ACK, cbor.decode(cbor.encode(STORE_ACK), KioskDownlink.class));
        assertEquals("{\"type\":\"store-ack\",\"kiosk\":\"wmk-lab-03\",\"storedThrough\":5381}",
                WireCodec.json(4096).encodeToString(STORE_ACK));
    }

    static Stream<Arguments> malformedStoreAcks() {
        String valid = "{\"type\":\"store-ack\",\"kiosk\":\"wmk-lab-03\",\"storedThrough\":5381}";
        String[][] cases = {
            {"a negative number", valid.replace("5381", "-1")},
            {"a fraction", valid.replace("5381", "53.5")},
            {"a number as a string", valid.replace("5381", "\"5381\"")},
            {"no number", valid.replace(",\"storedThrough\":5381", "")},
            {"an unknown field", valid.replace("}", ",\"extra\":1}")},
            {"a duplicate key", valid.replace("}", ",\"storedThrough\":7}")},
            {"an invalid kiosk", valid.replace("wmk-lab-03", "wmk/lab")},
            {"an unknown type", valid.replace("store-ack", "store-nack")},
        };
        return formats().flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedStoreAcks")
    void malformedStoreAcksAreRefused(Format format, String what, String json) {
        assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskDownlink.class));
    }

    static Stream<Arguments> malformedWaveforms() {
        String valid = WireCodec.json(4096).encodeToString(ECG);
        String[][] cases = {
            {"unknown signal", valid.replace("\"ecg\"", "\"eeg\"")},
            {"the signal as its number", valid.replace("\"ecg\"", "0")},
            {"no samples", valid.replace("[-12,35,1210,-300,0]", "[]")},
            {"a fraction in the samples", valid.replace("1210", "12.5")},
            {"a sample as a string", valid.replace("1210", "\"1210\"")},
            {"a sample beyond 32 bits", valid.replace("1210", "4294967296")},
            {"zero scale", valid.replace("\"scale\":0.001", "\"scale\":0")},
            {"negative rate", valid.replace("\"sampleRate\":250.0", "\"sampleRate\":-250")},
            {"null sample", valid.replace("1210", "null")},
        };
        return formats().flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedWaveforms")
    void malformedWaveformsAreInvalidFields(Format format, String what, String json) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskMessage.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), what + ": " + e.getMessage());
    }

    @Test
    void aStatusListingASensorTwiceIsRefused() {
        String twice = WireCodec.json(4096).encodeToString(STATUS).replace("\"hx711\"", "\"mlx90614\"");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> WireCodec.json(4096).decode(twice, KioskMessage.class));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    }

    @Test
    void eachMessageBelongsOnItsChannel() {
        assertTrue(Topics.carries(
                KioskTopic.Channel.MEASUREMENTS, ECG));
        assertTrue(Topics.carries(
                KioskTopic.Channel.STATUS, STATUS));
        assertFalse(Topics.carries(
                KioskTopic.Channel.MEASUREMENTS, STATUS));
        assertFalse(Topics.carries(
                KioskTopic.Channel.STATUS, SAMPLE));
    }

    @Test
    void encodingIsDeterministic() {
        WireCodec cbor = WireCodec.cbor(1024);
        assertArrayEquals(cbor.encode(SAMPLE), cbor.encode(SAMPLE));
    }
}

package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.codec.WireCodecTest.Format;

/** A waveform's samples are read into an {@code int[]}: the same wire bytes, the same refusals, no boxing. */
class WaveformSamplesCodecTest {
    private static final WaveformBatch EXTREMES = batch(44, IntSamples.of(
            IntStream.concat(IntStream.range(0, 300).map(i -> i * 100_003 - 15_000_000),
                    IntStream.of(Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1, 23, 24, -24, -25, 255, 256, 65_535,
                            65_536, -65_536, -65_537)).toArray()));

    @ParameterizedTest
    @MethodSource("formats")
    void samplesOfEveryWidthSurviveARoundTrip(Format format) throws Exception {
        WireCodec codec = format.codec();
        WaveformBatch decoded = (WaveformBatch) codec.decode(codec.encode(EXTREMES), KioskMessage.class);
        assertEquals(EXTREMES, decoded);
        assertEquals(Arrays.toString(EXTREMES.samples().toIntArray()), Arrays.toString(decoded.samples().toIntArray()));
    }

    @Test
    void theCborBytesAreThoseOfTheBoxedList() {
        // Made by the codec before the samples were held as ints (List<Integer>, main at bb38831): a definite-length
        // array of minimal-length integers.
        assertEquals(ECG_CBOR, HexFormat.of().formatHex(WireCodec.cbor(4096).encode(WireCodecTest.ECG)));
    }

    static Stream<Arguments> malformedSamples() {
        String valid = WireCodec.json(4096).encodeToString(WireCodecTest.ECG);
        String coerce = "Cannot coerce %s to `java.lang.Integer` value (but could if coercion was enabled using "
                + "`CoercionConfig`)";
        String range = "Numeric value (%s) out of range of int (-2147483648 - 2147483647)";
        String notInteger = "Cannot deserialize value of type `java.lang.Integer` from %s";
        String notList = "field 'samples': Cannot deserialize value of type `java.util.ArrayList<java.lang.Integer>` "
                + "from %s";
        String[][] cases = {
            // The messages the codec gave when samples were a List<Integer> (main at c227aa2), in JSON and CBOR alike.
            {"a fraction", valid.replace("1210", "12.5"),
                "field 'samples[2]': " + coerce.formatted("Floating-point value (12.5)")},
            {"a whole fraction", valid.replace("1210", "1210.0"),
                "field 'samples[2]': " + coerce.formatted("Floating-point value (1210.0)")},
            {"a string", valid.replace("1210", "\"1210\""), "field 'samples[2]': Cannot coerce String value "
                + "(\"1210\") to `java.lang.Integer` value (but might if coercion using `CoercionConfig` was enabled)"},
            {"an empty string", valid.replace("1210", "\"\""),
                "field 'samples[2]': " + coerce.formatted("empty String (\"\")")},
            {"2^32", valid.replace("1210", "4294967296"), "field 'samples[2]': " + range.formatted("4294967296")},
            {"2^31", valid.replace("1210", "2147483648"), "field 'samples[2]': " + range.formatted("2147483648")},
            {"-2^31 - 1", valid.replace("1210", "-2147483649"),
                "field 'samples[2]': " + range.formatted("-2147483649")},
            {"a big integer", valid.replace("1210", "123456789012345678901234567890"),
                "field 'samples[2]': " + range.formatted("123456789012345678901234567890")},
            {"a boolean", valid.replace("1210", "true"),
                "field 'samples[2]': " + notInteger.formatted("Boolean value (token `JsonToken.VALUE_TRUE`)")},
            {"an array", valid.replace("1210", "[1]"),
                "field 'samples[2]': " + notInteger.formatted("Array value (token `JsonToken.START_ARRAY`)")},
            {"a map", valid.replace("1210", "{\"a\":1}"),
                "field 'samples[2]': " + notInteger.formatted("Object value (token `JsonToken.START_OBJECT`)")},
            {"a number for the array", valid.replace("[-12,35,1210,-300,0]", "5"),
                notList.formatted("Integer value (token `JsonToken.VALUE_NUMBER_INT`)")},
            {"a string for the array", valid.replace("[-12,35,1210,-300,0]", "\"x\""),
                notList.formatted("String value (token `JsonToken.VALUE_STRING`)")},
            {"a map for the array", valid.replace("[-12,35,1210,-300,0]", "{}"),
                notList.formatted("Object value (token `JsonToken.START_OBJECT`)")},
            {"no samples", valid.replace("[-12,35,1210,-300,0]", "[]"), "samples must hold 1 to 10000 values, held 0"},
            {"10,001 samples", valid.replace("[-12,35,1210,-300,0]", "[" + "1,".repeat(10_000) + "1]"),
                "samples must hold 1 to 10000 values, held 10001"},
            {"null for the array", valid.replace("[-12,35,1210,-300,0]", "null"), "field 'samples' is null"},
            {"no array", valid.replace(",\"samples\":[-12,35,1210,-300,0]", ""), "missing field 'samples'"},
        };
        return Arrays.stream(Format.values())
                .flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1], c[2])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedSamples")
    void malformedSamplesAreRefusedAsBefore(Format format, String what, String json, String message) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskMessage.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), what + ": " + e.getMessage());
        assertEquals(message, e.getMessage(), what);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aNullSampleIsRefusedByItsIndex(Format format) {
        String json = WireCodec.json(4096).encodeToString(WireCodecTest.ECG).replace("1210", "null");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskMessage.class));
        assertEquals(Reason.INVALID_FIELD, e.reason());
        assertEquals("field 'samples[2]': a sample must be a 32-bit integer, not null", e.getMessage());
    }

    /**
     * What one more sample costs the decoder: an {@code int}'s 4 bytes (and the array's growth in JSON), where a boxed
     * list cost at least an {@code Integer} (16 bytes) and a reference in the list and in its copy.
     */
    @ParameterizedTest
    @MethodSource("formats")
    void aSampleCostsTheDecoderFewerBytesThanABoxedInteger(Format format) throws Exception {
        WireCodec codec = format.codec();
        byte[] one = codec.encode(batch(45, IntSamples.of(100_000)));
        byte[] many = codec.encode(batch(45, IntSamples.of(IntStream.range(0, 1_000).map(i -> 100_000 + i).toArray())));
        long perSample = (allocatedPerDecode(codec, many) - allocatedPerDecode(codec, one)) / 999;
        assertTrue(perSample < 16, "bytes allocated per sample decoded: " + perSample);
    }

    private static long allocatedPerDecode(WireCodec codec, byte[] payload) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 50; i++) {
            assertInstanceOf(WaveformBatch.class, codec.decode(payload, KioskMessage.class));
        }
        int rounds = 200;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            codec.decode(payload, KioskMessage.class);
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
    }

    static Stream<Format> formats() {
        return Arrays.stream(Format.values());
    }

    private static WaveformBatch batch(long seq, IntSamples samples) {
        return new WaveformBatch(KioskId.of("wmk-lab-03"), seq, SensorId.of("ads1115"), Signal.PLETH,
                UcumUnit.ARBITRARY, 100, Instant.parse("2026-11-22T10:15:31.123456Z"), 1, samples);
    }

    private static final String ECG_CBOR =
            "bf64747970656877617665666f726d656b696f736b6a776d6b2d6c61622d303363736571182b6673656e736f72676164"
            + "7331313135667369676e616c6365636764756e6974626d566a73616d706c6552617465fb406f40000000000065737461"
            + "727474323032362d31312d32325431303a31353a33315a657363616c65fb3f50624dd2f1a9fc6773616d706c6573852b"
            + "18231904ba39012b00ff";
}

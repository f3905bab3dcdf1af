package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.ClassUtil;
import com.fasterxml.jackson.dataformat.cbor.CBORReadContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * {@link IntSamples} on the wire: the array of integers that a {@code List<Integer>} is, read and written without
 * boxing. Reading refuses exactly what Jackson's own {@code List<Integer>} refuses, with its messages (a fraction, a
 * number beyond 32 bits, a string, a boolean, a nested array or map, anything but an array), because everything but a
 * plain 32-bit integer is handed to Jackson's own deserializers: the codec's coercion rules apply unchanged. The one
 * difference: a {@code null} sample is refused here, by name and index, where the list took it and the batch's
 * constructor then failed with a bare "null".
 */
final class IntSamplesJson {
    private IntSamplesJson() {}

    /** Writes the values as one array: in CBOR with its length up front, as Jackson writes a list. */
    static final class Writer extends StdSerializer<IntSamples> {
        Writer() {
            super(IntSamples.class);
        }

        @Override
        public void serialize(IntSamples samples, JsonGenerator gen, SerializerProvider provider) throws IOException {
            int[] values = samples.values();
            gen.writeArray(values, 0, values.length);
        }
    }

    /** Reads an array of 32-bit integers; contextual, so that Jackson's deserializers for the odd cases are found once. */
    static final class Reader extends StdDeserializer<IntSamples> implements ContextualDeserializer {
        /** How many values to make room for when the format does not say how many follow (JSON). */
        private static final int FIRST_CAPACITY = 64;

        private final JsonDeserializer<Object> lists;
        private final JsonDeserializer<Object> integers;

        Reader() {
            this(null, null);
        }

        private Reader(JsonDeserializer<Object> lists, JsonDeserializer<Object> integers) {
            super(IntSamples.class);
            this.lists = lists;
            this.integers = integers;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            return new Reader(
                    ctxt.findContextualValueDeserializer(
                            ctxt.getTypeFactory().constructCollectionType(List.class, Integer.class), property),
                    ctxt.findContextualValueDeserializer(ctxt.constructType(Integer.class), property));
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Collection;
        }

        @Override
        @SuppressWarnings("unchecked")
        public IntSamples deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
                // Not an array: Jackson's list deserializer refuses it (or takes it) as it always did.
                Object list = lists.deserialize(p, ctxt);
                return list == null ? null : IntSamples.copyOf((List<Integer>) list);
            }
            int[] values = new int[firstCapacity(p)];
            int count = 0;
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                int value;
                if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    value = p.getIntValue();
                } else {
                    value = odd(p, ctxt, token, count);
                }
                if (count == values.length) {
                    values = Arrays.copyOf(values, Math.max(FIRST_CAPACITY, count * 2));
                }
                values[count++] = value;
            }
            return IntSamples.adopt(count == values.length ? values : Arrays.copyOf(values, count));
        }

        /** A CBOR array says how long it is: room for exactly that many, within the most a batch may hold. */
        private static int firstCapacity(JsonParser p) {
            JsonStreamContext context = p.getParsingContext();
            if (context instanceof CBORReadContext cbor && cbor.hasExpectedLength()) {
                return Math.min(cbor.getExpectedLength(), WaveformBatch.MAX_SAMPLES + 1);
            }
            return FIRST_CAPACITY;
        }

        /**
         * Anything but a plain 32-bit integer: Jackson's {@code Integer} deserializer decides (it refuses fractions,
         * strings and booleans under the codec's coercion rules, and a number beyond 32 bits), and its failure carries
         * the sample's index, as a list's would.
         */
        private int odd(JsonParser p, DeserializationContext ctxt, JsonToken token, int index) throws IOException {
            Object value;
            try {
                if (token == JsonToken.VALUE_NULL) {
                    return (Integer) ctxt.reportInputMismatch(this, "a sample must be a 32-bit integer, not null");
                }
                value = integers.deserialize(p, ctxt);
                if (value == null) {
                    return (Integer) ctxt.reportInputMismatch(this, "a sample must be a 32-bit integer");
                }
            } catch (Exception e) {
                if (!ctxt.isEnabled(DeserializationFeature.WRAP_EXCEPTIONS)) {
                    ClassUtil.throwIfRTE(e);
                }
                throw JsonMappingException.wrapWithPath(e, IntSamples.class, index);
            }
            return (Integer) value;
        }
    }
}

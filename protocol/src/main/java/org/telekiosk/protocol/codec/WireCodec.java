package org.telekiosk.protocol.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.Untrusted;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Encodes and strictly decodes protocol messages: JSON for browsers, CBOR for MQTT payloads. Both refuse input
 * larger than their limit, duplicate keys, unknown or missing {@code type}, unknown fields, missing or null
 * fields, type coercions ({@code "5"} for 5, 5.5 for a whole number), trailing data, and values that the
 * message's own validation rejects. Thread-safe; make one per format and keep it.
 */
public final class WireCodec {
    /** The default largest message accepted, in bytes. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final ObjectMapper mapper;
    private final int maxBytes;
    /** CBOR: a {@link KioskMessage} is first offered to {@link ReadingCbor}, the readings' fast path. */
    private final boolean readingFastPath;
    /** How many payloads the fast path took; for the tests that it is taken ({@code ReadingCborTest}). */
    private final LongAdder fastDecodes = new LongAdder();

    private WireCodec(ObjectMapper mapper, int maxBytes, boolean readingFastPath) {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be at least 64, was " + maxBytes);
        }
        this.mapper = mapper;
        this.maxBytes = maxBytes;
        this.readingFastPath = readingFastPath;
    }

    /** JSON (RFC 8259), UTF-8, for the browser WebSockets. */
    public static WireCodec json(int maxBytes) {
        return new WireCodec(strict(JsonMapper.builder()), maxBytes, false);
    }

    /** CBOR (RFC 8949), for MQTT payloads. */
    public static WireCodec cbor(int maxBytes) {
        return new WireCodec(strict(CBORMapper.builder()), maxBytes, true);
    }

    /** The same codec without the readings' fast path: every payload through Jackson. For tests and benchmarks. */
    static WireCodec cborWithoutFastPath(int maxBytes) {
        return new WireCodec(strict(CBORMapper.builder()), maxBytes, false);
    }

    /** How many payloads this codec decoded on the readings' fast path ({@link ReadingCbor}). */
    long fastDecodes() {
        return fastDecodes.sum();
    }

    public int maxBytes() {
        return maxBytes;
    }

    private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
        ObjectMapper mapper = builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(StrictInstant.module())
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16)
                .maxStringLength(DEFAULT_MAX_BYTES)
                .maxNumberLength(40)
                .build());
        for (LogicalType numeric : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(numeric)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    /** Encodes a message. Messages validate themselves when built, so this cannot fail for a valid record. */
    public byte[] encode(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Encodes a message into {@code out}, which is closed afterwards: for a caller that keeps the bytes in a buffer of
     * its own (the broker's viewer frames go straight into a pooled network buffer, without a copy as a string).
     */
    public void encode(Object message, java.io.OutputStream out) {
        try {
            mapper.writeValue(out, message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Encodes a message as a string; for the JSON codec only. */
    public String encodeToString(Object message) {
        return new String(encode(message), StandardCharsets.UTF_8);
    }

    public <T> T decode(String text, Class<T> type) throws MalformedMessageException {
        return decode(text.getBytes(StandardCharsets.UTF_8), type);
    }

    /**
     * Decodes one message of {@code type} (usually the sealed interface) or says precisely why not. CBOR readings asked
     * for as {@link KioskMessage} in the shape the agent writes take a fast path ({@link ReadingCbor}) to the same
     * record; everything else, and every refusal, goes through the strict Jackson decode.
     */
    public <T> T decode(byte[] bytes, Class<T> type) throws MalformedMessageException {
        requireSize(bytes.length);
        if (readingFastPath && type == KioskMessage.class) {
            KioskMessage reading = ReadingCbor.read(bytes);
            if (reading != null) {
                fastDecodes.increment();
                return type.cast(reading);
            }
        }
        return strict(bytes, type);
    }

    /**
     * As {@link #decode(byte[], Class)}, for the bytes from {@code payload}'s position to its limit (a read-only buffer
     * too, as the MQTT broker hands a payload), which stay as they were, with the same outcome and the same refusals.
     * A reading on the fast path allocates no copy of the payload: it is read from the buffer's array, or, from a
     * read-only buffer (no {@code array()}), from this thread's reused array it is copied into (one bulk copy: reading
     * a heap buffer byte by byte with absolute gets was slower for a waveform's samples, docs/benchmarks.md); nothing
     * decoded keeps that array. Anything else is copied once more, into its own array, for the strict decode.
     */
    public <T> T decode(java.nio.ByteBuffer payload, Class<T> type) throws MalformedMessageException {
        return decode(payload, type, null);
    }

    /**
     * As {@link #decode(java.nio.ByteBuffer, Class)} for a {@link KioskMessage} published by {@code kiosk} (the MQTT
     * broker knows the publisher): a reading on the fast path that names {@code kiosk} gets that {@link KioskId}
     * instead of one made and validated again from the payload's text, the same value; one that names another kiosk
     * gets its own, for the caller's check. The outcome and every refusal are {@link #decode(java.nio.ByteBuffer,
     * Class)}'s.
     */
    public KioskMessage decodeFrom(KioskId kiosk, java.nio.ByteBuffer payload) throws MalformedMessageException {
        return decode(payload, KioskMessage.class, java.util.Objects.requireNonNull(kiosk, "kiosk"));
    }

    private <T> T decode(java.nio.ByteBuffer payload, Class<T> type, KioskId kiosk) throws MalformedMessageException {
        int length = payload.remaining();
        requireSize(length);
        if (readingFastPath && type == KioskMessage.class) {
            KioskMessage reading;
            if (payload.hasArray()) {
                reading = ReadingCbor.read(payload.array(), payload.arrayOffset() + payload.position(), length, kiosk);
            } else {
                byte[] copy = scratch.get();
                if (copy.length < length) {
                    copy = new byte[Math.max(length, 2 * copy.length)]; // at most maxBytes: requireSize
                    scratch.set(copy);
                }
                payload.get(payload.position(), copy, 0, length);
                reading = ReadingCbor.read(copy, 0, length, kiosk);
            }
            if (reading != null) {
                fastDecodes.increment();
                return type.cast(reading);
            }
        }
        return strict(bytesOf(payload), type);
    }

    /** Per thread, the array a read-only payload is copied into for the fast path; grown to the largest payload. */
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[1024]);

    /**
     * The bytes from {@code payload}'s position to its limit: its own array if it is exactly that (a writable buffer
     * that wraps a whole array), else a copy; the buffer's position and limit stay as they were.
     */
    public static byte[] bytesOf(java.nio.ByteBuffer payload) {
        if (payload.hasArray() && payload.arrayOffset() == 0 && payload.position() == 0
                && payload.limit() == payload.array().length) {
            return payload.array();
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        return bytes;
    }

    private void requireSize(int length) throws MalformedMessageException {
        if (length > maxBytes) {
            throw new MalformedMessageException(Reason.TOO_LARGE,
                    "message of " + length + " bytes exceeds the limit of " + maxBytes);
        }
        if (length == 0) {
            throw new MalformedMessageException(Reason.NOT_DECODABLE, "empty message");
        }
    }

    private <T> T strict(byte[] bytes, Class<T> type) throws MalformedMessageException {
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new MalformedMessageException(Reason.NOT_DECODABLE, "message is null");
            }
            return value;
        } catch (InvalidTypeIdException e) {
            requireOneObject(bytes);
            String id = e.getTypeId();
            throw new MalformedMessageException(Reason.UNKNOWN_TYPE, id == null
                    ? "message has no 'type'"
                    : "unknown message type '" + printable(id) + "'");
        } catch (UnrecognizedPropertyException e) {
            throw new MalformedMessageException(Reason.INVALID_FIELD,
                    "unknown field '" + printable(e.getPropertyName()) + "'");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedMessageException(Reason.INVALID_FIELD, printable(String.valueOf(cause.getMessage())));
        } catch (MismatchedInputException e) {
            requireOneObject(bytes);
            String original = String.valueOf(e.getOriginalMessage());
            if (original.startsWith("Trailing token")) {
                throw new MalformedMessageException(Reason.NOT_DECODABLE, "trailing data after the message");
            }
            if (original.startsWith("Missing creator property") || original.startsWith("Null value for creator")) {
                String field = printable(original.replaceFirst("^[^']*'([^']*)'.*$", "$1"));
                throw new MalformedMessageException(Reason.INVALID_FIELD, original.startsWith("Missing")
                        ? "missing field '" + field + "'" : "field '" + field + "' is null");
            }
            throw new MalformedMessageException(Reason.INVALID_FIELD, describe(e));
        } catch (JacksonException e) {
            // A well-formed number that does not fit its field (a sample beyond 32 bits) is a wrong field, not a
            // broken message; databind reports it wrapped, with the field's path.
            boolean outOfRange = e instanceof com.fasterxml.jackson.core.exc.InputCoercionException
                    || e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException;
            throw new MalformedMessageException(outOfRange ? Reason.INVALID_FIELD : Reason.NOT_DECODABLE, describe(e));
        } catch (IOException e) {
            throw new MalformedMessageException(Reason.NOT_DECODABLE, printable(String.valueOf(e.getMessage())));
        }
    }

    /**
     * The sequence number a payload claims, read leniently: the top-level map's {@code seq} entry if it is a whole
     * number of at least 1, whatever else is wrong with the payload (an unknown field, a bad LOINC code, NaN). The
     * broker uses it to answer a refused reading by number ({@code store-ack.refused}); empty if the payload is not a
     * map, has no such entry or names it twice. Also reads a payload longer than {@link #maxBytes()} (refused as
     * {@code too-large}): a streaming read that keeps nothing.
     */
    public java.util.OptionalLong peekSeq(byte[] bytes) {
        if (bytes.length == 0) {
            return java.util.OptionalLong.empty();
        }
        try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(bytes)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return java.util.OptionalLong.empty();
            }
            long seq = 0;
            for (var t = p.nextToken(); t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                var value = p.nextToken();
                if ("seq".equals(field) && value == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
                    seq = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
            return seq >= 1 ? java.util.OptionalLong.of(seq) : java.util.OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * On a refusal, tells a payload that is not one object of this format at all (JSON bytes sent to the CBOR codec,
     * an array, a bare string) from an object with a wrong field: the first is {@code not-decodable}.
     */
    private void requireOneObject(byte[] bytes) throws MalformedMessageException {
        JsonToken first;
        try (JsonParser parser = mapper.getFactory().createParser(bytes)) {
            first = parser.nextToken();
        } catch (IOException e) {
            first = null;
        }
        if (first != JsonToken.START_OBJECT) {
            boolean cbor = mapper.getFactory() instanceof com.fasterxml.jackson.dataformat.cbor.CBORFactory;
            throw new MalformedMessageException(Reason.NOT_DECODABLE, cbor
                    ? "not a CBOR map" + (bytes[0] == '{' ? " (JSON? the payload must be CBOR)" : "")
                    : "not a JSON object");
        }
    }

    private static String describe(JacksonException e) {
        String message = printable(String.valueOf(e.getOriginalMessage()));
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            if (!path.isEmpty()) {
                return "field '" + printable(path.toString()) + "': " + message;
            }
        }
        return message;
    }

    private static final Pattern JACKSON_SOURCE =
            Pattern.compile("\\s*\\(?(start marker )?at \\[Source: [^\\]]*\\]\\)?");

    /** A parser's message without Jackson's source location, made printable. */
    private static String printable(String text) {
        return Untrusted.printable(JACKSON_SOURCE.matcher(text).replaceAll(""), 200);
    }
}

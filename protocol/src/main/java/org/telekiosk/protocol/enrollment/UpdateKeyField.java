package org.telekiosk.protocol.enrollment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The enrollment answer's additive field {@code updateKey}: the public key that signs agent packages
 * ({@link UpdateKey#base64()}), which the kiosk pins. Decoding is strict (an unknown field is refused), so the broker
 * adds the field only for a kiosk that asks for it with the request header {@value #HEADER}{@code : }{@value #FEATURE}
 * on {@code POST /api/v1/enroll} and {@code /api/v1/renew}: an agent older than updates never sees it, and an agent
 * that asks an older broker gets the answer without it and carries on without updates.
 */
public final class UpdateKeyField {
    /** The request header that asks for the field. */
    public static final String HEADER = "Telekiosk-Features";
    /** Its value. */
    public static final String FEATURE = "update-key";
    /** The field's name in the answer. */
    public static final String FIELD = "updateKey";
    private static final ObjectMapper TREE = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private UpdateKeyField() {}

    /** Whether a request's {@value #HEADER} header value asks for the field. */
    public static boolean asked(String headerValue) {
        if (headerValue == null) {
            return false;
        }
        for (String feature : headerValue.split(",")) {
            if (feature.strip().equalsIgnoreCase(FEATURE)) {
                return true;
            }
        }
        return false;
    }

    /** The encoded answer {@code json} with the field added. */
    public static String add(String json, UpdateKey key) {
        try {
            ObjectNode tree = (ObjectNode) TREE.readTree(json);
            tree.put(FIELD, key.base64());
            return TREE.writeValueAsString(tree);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
    }

    /** An answer split into the strict message (without the field) and the key, if the broker sent one. */
    public record Split(String message, Optional<UpdateKey> key) {}

    /** Takes the field out of an answer; the rest is decoded strictly as {@link EnrollmentResponse}. */
    public static Split split(String json) throws MalformedMessageException {
        JsonNode tree;
        try {
            tree = TREE.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(Reason.NOT_DECODABLE, "not JSON");
        }
        if (!(tree instanceof ObjectNode object) || !object.has(FIELD)) {
            return new Split(json, Optional.empty());
        }
        JsonNode value = object.remove(FIELD);
        if (!value.isTextual()) {
            throw new MalformedMessageException(Reason.INVALID_FIELD, FIELD + " must be a string");
        }
        UpdateKey key;
        try {
            key = UpdateKey.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.INVALID_FIELD, e.getMessage());
        }
        try {
            return new Split(TREE.writeValueAsString(object), Optional.of(key));
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(Reason.NOT_DECODABLE, "not JSON");
        }
    }
}

package org.telekiosk.protocol.downlink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.telekiosk.protocol.KioskId;

/**
 * Reads a {@link StoreAck} as strictly as the codec reads every message (unknown fields, wrong types and missing
 * fields refused), except that {@code refused}, added to the wire later, may be absent (an empty list). Duplicate keys
 * are refused by the parser itself. Jackson's strict creator check cannot make one field optional, hence this class.
 */
final class StoreAckDeserializer extends StdDeserializer<StoreAck> {
    StoreAckDeserializer() {
        super(StoreAck.class);
    }

    @Override
    public StoreAck deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String kiosk = null;
        Long storedThrough = null;
        List<Long> refused = List.of();
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            token = p.nextToken();
        }
        for (; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "kiosk" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return ctxt.reportInputMismatch(StoreAck.class, "field 'kiosk' must be a string");
                    }
                    kiosk = p.getText();
                }
                case "storedThrough" -> storedThrough = integer(p, ctxt, "storedThrough");
                case "refused" -> {
                    if (value != JsonToken.START_ARRAY) {
                        return ctxt.reportInputMismatch(StoreAck.class, "field 'refused' must be an array");
                    }
                    List<Long> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (list.size() >= StoreAck.MAX_REFUSED) {
                            return ctxt.reportInputMismatch(StoreAck.class, "field 'refused': more than "
                                    + StoreAck.MAX_REFUSED + " entries");
                        }
                        list.add(integer(p, ctxt, "refused"));
                    }
                    refused = list;
                }
                default -> throw UnrecognizedPropertyException.from(p, StoreAck.class, field,
                        List.of("kiosk", "storedThrough", "refused"));
            }
        }
        if (kiosk == null || storedThrough == null) {
            return ctxt.reportInputMismatch(StoreAck.class, "Missing creator property '"
                    + (kiosk == null ? "kiosk" : "storedThrough") + "'");
        }
        try {
            return new StoreAck(KioskId.of(kiosk), storedThrough, refused);
        } catch (IllegalArgumentException e) {
            throw com.fasterxml.jackson.databind.exc.ValueInstantiationException.from(p, e.getMessage(),
                    ctxt.constructType(StoreAck.class), e);
        }
    }

    private static long integer(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return ctxt.reportInputMismatch(StoreAck.class, "field '" + field + "' must be an integer");
        }
        return p.getLongValue();
    }
}

package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.MalformedMessageException;

/**
 * The MQTT transport's refusal table as docs/architecture.md ("One refusal model") states it, kind by kind, with the
 * MQTT 5 reason code's number on the wire; and the refusals the MQTT side makes get the codes they always had.
 */
class MqttReasonsTest {
    static final String NA = "NOT_AUTHORIZED";
    static final String UNSPECIFIED = "UNSPECIFIED_ERROR";
    static final String QUOTA = "QUOTA_EXCEEDED";
    /**
     * Kind → CONNACK, PUBACK, SUBACK, DISCONNECT reason code, as in docs/architecture.md (by name: the SDK's enums
     * carry no number; 0x85, 0x99, 0x8F, 0x87, 0x80, 0x97 there).
     */
    static final Map<Refusal.Kind, List<String>> TABLE = new EnumMap<>(Map.of(
            Refusal.Kind.INVALID, List.of("CLIENT_IDENTIFIER_NOT_VALID", "PAYLOAD_FORMAT_INVALID",
                    "TOPIC_FILTER_INVALID", "PAYLOAD_FORMAT_INVALID"),
            Refusal.Kind.NOT_AUTHENTICATED, List.of(NA, NA, NA, NA),
            Refusal.Kind.FORBIDDEN, List.of(NA, NA, NA, NA),
            Refusal.Kind.NOT_FOUND, List.of(NA, NA, NA, NA),
            Refusal.Kind.CONFLICT, List.of(UNSPECIFIED, UNSPECIFIED, UNSPECIFIED, UNSPECIFIED),
            Refusal.Kind.GONE, List.of(NA, NA, NA, NA),
            Refusal.Kind.THROTTLED, List.of(QUOTA, QUOTA, QUOTA, QUOTA)));

    @Test
    void everyKindOfRefusalHasTheReasonCodesTheDocumentedTableGivesIt() {
        assertEquals(Refusal.Kind.values().length, TABLE.size(), "the table names every kind");
        for (Refusal.Kind kind : Refusal.Kind.values()) {
            Refusal refusal = new Refusal.KioskCredential(kind, "Some refusal", "detail");
            List<String> wire = List.of(MqttReasons.connack(refusal).name(), MqttReasons.puback(refusal).name(),
                    MqttReasons.suback(refusal).name(), MqttReasons.disconnect(refusal).name());
            assertEquals(TABLE.get(kind), wire, kind.name());
        }
    }

    @Test
    void theMqttSidesRefusalsKeepTheirReasonCodes() {
        assertEquals(ConnackReasonCode.NOT_AUTHORIZED, MqttReasons.connack(
                new Refusal.KioskCredential(Refusal.Kind.NOT_AUTHENTICATED, "MQTT connection refused", "expired")));
        assertEquals(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                MqttReasons.connack(new Refusal.InvalidRequest("client id must equal the kiosk id")));
        assertEquals(AckReasonCode.NOT_AUTHORIZED, MqttReasons.puback(KioskTopicAuthorizer.FOREIGN_TOPIC));
        assertEquals(SubackReasonCode.NOT_AUTHORIZED, MqttReasons.suback(KioskTopicAuthorizer.FOREIGN_TOPIC));
        assertEquals(AckReasonCode.QUOTA_EXCEEDED, MqttReasons.puback(new Refusal.Throttled(Duration.ofMillis(4))));
        assertEquals(DisconnectReasonCode.NOT_AUTHORIZED, MqttReasons.disconnect(
                new Refusal.KioskCredential(Refusal.Kind.FORBIDDEN, "Kiosk revoked", "kiosk revoked")));
    }

    @Test
    void aMalformedKioskMessageIsAnInvalidRefusalUnderTheProtocolsOwnCode() {
        for (MalformedMessageException.Reason reason : MalformedMessageException.Reason.values()) {
            Refusal refusal = new Refusal.MalformedMessage(reason, "why");
            assertEquals(reason.code(), refusal.code());
            assertEquals(Refusal.Kind.INVALID, refusal.kind());
        }
    }
}

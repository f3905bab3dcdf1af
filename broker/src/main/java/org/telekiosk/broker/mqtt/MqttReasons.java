package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import org.telekiosk.broker.request.Refusal;

/**
 * The MQTT transport's mapping of the broker's one refusal model: the MQTT 5 reason code (§2.4) each kind of
 * {@link Refusal} becomes in a CONNACK (§3.2.2.2), a PUBACK (§3.4.2.1), a SUBACK (§3.9.3) or a DISCONNECT (§3.14.2.1)
 * the embedded broker sends a kiosk. (The REST transport's is {@code api.Problems}, the signaling one's
 * {@code signaling.SignalErrors}; docs/architecture.md has the three side by side.) A kiosk's message refused by the
 * measurement intake has no reason code: HiveMQ acknowledged it before the broker's client read it, so its refusal
 * code reaches the kiosk in the store acknowledgement's {@code refused} entry. The in-process intake ({@link
 * InProcessIntake}) keeps that: a refused reading is acknowledged 0x00 once its refusal is kept.
 */
public final class MqttReasons {
    private MqttReasons() {}

    /**
     * A refused connection. At CONNECT only the client id can be invalid (0x85); whatever is wrong with the
     * certificate is 0x87 "not authorized", never which check failed beyond the reason string.
     */
    public static ConnackReasonCode connack(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
            case NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, GONE -> ConnackReasonCode.NOT_AUTHORIZED;
            case CONFLICT -> ConnackReasonCode.UNSPECIFIED_ERROR;
            case THROTTLED -> ConnackReasonCode.QUOTA_EXCEEDED;
        };
    }

    /** A refused PUBLISH (QoS 1): a foreign topic is 0x87, a publish over the kiosk's quota 0x97. */
    public static AckReasonCode puback(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> AckReasonCode.PAYLOAD_FORMAT_INVALID;
            case NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, GONE -> AckReasonCode.NOT_AUTHORIZED;
            case CONFLICT -> AckReasonCode.UNSPECIFIED_ERROR;
            case THROTTLED -> AckReasonCode.QUOTA_EXCEEDED;
        };
    }

    /** A refused SUBSCRIBE: a foreign topic filter is 0x87. */
    public static SubackReasonCode suback(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> SubackReasonCode.TOPIC_FILTER_INVALID;
            case NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, GONE -> SubackReasonCode.NOT_AUTHORIZED;
            case CONFLICT -> SubackReasonCode.UNSPECIFIED_ERROR;
            case THROTTLED -> SubackReasonCode.QUOTA_EXCEEDED;
        };
    }

    /** A connection the broker ends: a revoked kiosk's is 0x87. */
    public static DisconnectReasonCode disconnect(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> DisconnectReasonCode.PAYLOAD_FORMAT_INVALID;
            case NOT_AUTHENTICATED, FORBIDDEN, NOT_FOUND, GONE -> DisconnectReasonCode.NOT_AUTHORIZED;
            case CONFLICT -> DisconnectReasonCode.UNSPECIFIED_ERROR;
            case THROTTLED -> DisconnectReasonCode.QUOTA_EXCEEDED;
        };
    }
}

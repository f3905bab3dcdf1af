package org.telekiosk.broker.mqtt;

import java.util.concurrent.CompletionStage;
import org.telekiosk.protocol.topic.KioskTopic;

/**
 * What the broker's MQTT client subscribes to, and who takes each message. The client acknowledges a message (QoS 1)
 * once {@link #handle} completes normally, in arrival order; a message whose stage fails is not acknowledged, and the
 * client reconnects so that the MQTT broker sends it again.
 */
public interface Subscription {
    /** The topic filter, subscribed with QoS 1 on every connection. */
    String topicFilter();

    /**
     * Whether the MQTT broker must not send this client what it publishes itself (MQTT 5 No Local, §3.8.3.1): for a
     * subscription to what the nodes send each other, on the client that also sends. Never for a shared one.
     */
    default boolean noLocal() {
        return false;
    }

    /** Takes one message; called on Paho's callback thread, so it must not block. */
    CompletionStage<Void> handle(String topic, byte[] payload);

    /**
     * As {@link #handle}, and says whether the message was refused: empty once it was taken care of, else why (the
     * protocol's refusal code and detail), for the {@link InProcessIntake}'s PUBACK {@code 0x99} to a kiosk that
     * negotiated it ({@link PubackAcks}). By default nothing is refused.
     */
    default CompletionStage<java.util.Optional<String>> handleOrRefuse(String topic, byte[] payload) {
        return handle(topic, payload).thenApply(ok -> java.util.Optional.empty());
    }

    /**
     * As {@link #handleOrRefuse(String, byte[])}, for the bytes from {@code payload}'s position to its limit, which
     * stay as they were: how the {@link InProcessIntake} hands HiveMQ's read-only payload buffer on. By default a copy
     * of them goes to {@link #handleOrRefuse(String, byte[])}; the measurement intake reads a reading in place.
     */
    default CompletionStage<java.util.Optional<String>> handleOrRefuse(String topic, java.nio.ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        return handleOrRefuse(topic, bytes);
    }

    /**
     * As {@link #handleOrRefuse(String, java.nio.ByteBuffer)}, for a topic the caller has parsed already: the {@link
     * InProcessIntake} knows each kiosk connection's topics ({@link org.telekiosk.protocol.topic.KioskUplink}), so
     * the measurement intake need not parse it again. By default the topic's name goes on.
     */
    default CompletionStage<java.util.Optional<String>> handleOrRefuse(KioskTopic topic, java.nio.ByteBuffer payload) {
        return handleOrRefuse(topic.name(), payload);
    }
}

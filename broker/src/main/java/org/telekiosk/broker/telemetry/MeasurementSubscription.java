package org.telekiosk.broker.telemetry;

import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.mqtt.Subscription;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's subscription to every kiosk's channels, in the broker share group (MQTT 5 §4.8.2), QoS 1: each message
 * goes to the {@link MeasurementIntake}, and is acknowledged once the intake has taken care of it (a reading:
 * committed to the store). A message that was not is logged and comes again.
 */
public final class MeasurementSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(MeasurementSubscription.class);

    private final MeasurementIntake intake;

    public MeasurementSubscription(MeasurementIntake intake) {
        this.intake = intake;
    }

    @Override
    public String topicFilter() {
        return Topics.allKioskChannelsShared();
    }

    @Override
    public CompletionStage<Void> handle(String topic, byte[] payload) {
        return intake.handle(topic, payload).whenComplete((ok, failure) -> logFailure(topic, failure));
    }

    @Override
    public CompletionStage<java.util.Optional<String>> handleOrRefuse(String topic, byte[] payload) {
        return intake.handleOrRefuse(topic, payload).whenComplete((ok, failure) -> logFailure(topic, failure));
    }

    @Override
    public CompletionStage<java.util.Optional<String>> handleOrRefuse(String topic, java.nio.ByteBuffer payload) {
        return intake.handleOrRefuse(topic, payload).whenComplete((ok, failure) -> logFailure(topic, failure));
    }

    @Override
    public CompletionStage<java.util.Optional<String>> handleOrRefuse(KioskTopic topic, java.nio.ByteBuffer payload) {
        return intake.handleOrRefuse(topic, payload).whenComplete((ok, failure) -> {
            if (failure != null) {
                logFailureOf(topic.kiosk().value(), failure);
            }
        });
    }

    private static void logFailure(String topic, Throwable failure) {
        if (failure != null) {
            logFailureOf(Topics.parse(topic).map(t -> t.kiosk().value()).orElse("?"), failure);
        }
    }

    private static void logFailureOf(String kiosk, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : failure;
        if (cause instanceof RevokedKioskFilter.Revoked) {
            return; // the filter logged it, once per kiosk
        }
        LOG.error("A message on '{}' was not stored and is not acknowledged (it comes again): {}", kiosk,
                failure.toString());
    }
}

package org.telekiosk.broker.telemetry;

import java.util.concurrent.CompletionStage;
import org.telekiosk.broker.store.RefusedReading;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Where {@link MeasurementIntake} hands a valid kiosk message. The returned stage completes when the message is
 * taken care of (for a reading: committed to the store); only then is it acknowledged to the MQTT broker.
 */
@FunctionalInterface
public interface MessageSink {
    CompletionStage<Void> take(KioskMessage message);

    /**
     * A payload on a kiosk's measurements topic that names a sequence number was refused; the stage completes when
     * the refusal is kept (the store's refused readings), and only then is the payload acknowledged to the MQTT
     * broker. By default nothing keeps it.
     */
    default CompletionStage<Void> refuse(RefusedReading refusal) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
}

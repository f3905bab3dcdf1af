package org.telekiosk.broker.telemetry;

import java.util.concurrent.CompletionStage;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Where {@link MeasurementIntake} hands a valid kiosk message. The returned stage completes when the message is
 * taken care of (for a reading: committed to the store); only then is it acknowledged to the MQTT broker.
 */
@FunctionalInterface
public interface MessageSink {
    CompletionStage<Void> take(KioskMessage message);
}

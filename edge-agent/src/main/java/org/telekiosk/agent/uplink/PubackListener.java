package org.telekiosk.agent.uplink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.telekiosk.agent.uplink.UplinkException.Reason;

/**
 * Completes one publish from its PUBACK (MQTT 5 §3.4) or from Paho's failure, on the uplink's control thread, so
 * that no caller code runs on Paho's threads. Paho 1.2.5 calls this listener only after it has decremented its own
 * in-flight count, so the slot freed here can never make Paho's next publish fail with 32202. (A caller that waits
 * on the token instead is woken before that decrement: the origin of the spurious 32202.)
 */
final class PubackListener implements MqttActionListener {
    /** PUBACK reason codes of 0x80 and above are errors (MQTT 5 §3.4.2.1). */
    private static final int FIRST_ERROR_REASON_CODE = 0x80;
    /** PUBACK 0x97 "quota exceeded": over the kiosk's publish rate at the broker, not wrong in itself. */
    static final int QUOTA_EXCEEDED = 0x97;

    private final InflightWindow window;
    private final CompletableFuture<Puback> future;
    private final Executor control;
    private final Puback success;

    /** @param success what a PUBACK below 0x80 means on this connection ({@link PahoSession#pubackIsStoreAck()}) */
    PubackListener(InflightWindow window, CompletableFuture<Puback> future, Executor control, Puback success) {
        this.window = window;
        this.future = future;
        this.control = control;
        this.success = success;
    }

    @Override
    public void onSuccess(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        int code = codes == null || codes.length == 0 ? 0 : codes[0];
        org.eclipse.paho.mqttv5.common.packet.MqttProperties properties = token.getResponseProperties();
        String reason = properties == null || properties.getReasonString() == null ? ""
                : " (" + org.telekiosk.protocol.Untrusted.printable(properties.getReasonString(), 160) + ")";
        control.execute(() -> {
            window.release(future);
            if (code == QUOTA_EXCEEDED) {
                future.completeExceptionally(new UplinkException(Reason.THROTTLED,
                        "broker answered PUBACK 0x97 (quota exceeded)", null));
            } else if (code >= FIRST_ERROR_REASON_CODE) {
                future.completeExceptionally(new UplinkException(Reason.REFUSED,
                        "broker answered PUBACK with reason code " + Failures.hex(code) + reason, null));
            } else {
                future.complete(success);
            }
        });
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
        control.execute(() -> {
            window.release(future);
            future.completeExceptionally(new UplinkException(Reason.LOST,
                    "publish failed before PUBACK: " + Failures.describe(cause), cause));
        });
    }
}

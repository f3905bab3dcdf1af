package org.telekiosk.agent.uplink;

import java.util.HashSet;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * One-line descriptions of network failures for the log. Expected failures (refused connection, TLS alert, broker
 * gone) are logged as such a line, without a stack trace.
 */
final class Failures {
    private static final int MAX_CAUSES = 4;

    private Failures() {}

    /** E.g. {@code "Unable to connect to server (32103), caused by ConnectException: Connection refused"}. */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder();
        Set<Throwable> seen = new HashSet<>();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES && seen.add(current); current = current.getCause()) {
            if (isWrapper(current)) {
                continue;
            }
            if (depth++ > 0) {
                line.append(", caused by ");
            }
            line.append(one(current));
        }
        return line.toString();
    }

    /** Paho wraps foreign exceptions (an {@code SSLHandshakeException}, ...) in an MqttException of code 0. */
    private static boolean isWrapper(Throwable failure) {
        return failure instanceof MqttException mqtt
                && mqtt.getReasonCode() == MqttException.REASON_CODE_CLIENT_EXCEPTION
                && failure.getCause() != null;
    }

    /** A server DISCONNECT (MQTT 5 §3.14.2.1) or the client-side failure that ended the connection. */
    static String describe(MqttDisconnectResponse response) {
        if (response.getException() != null) {
            return describe(response.getException());
        }
        String reason = response.getReasonString();
        return "broker sent DISCONNECT with reason code " + hex(response.getReturnCode())
                + (reason == null ? "" : " (" + reason + ")");
    }

    /** The Paho reason code anywhere in the cause chain, or -1. */
    static int pahoReasonCode(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
            if (current instanceof MqttException mqtt) {
                return mqtt.getReasonCode();
            }
        }
        return -1;
    }

    static String hex(int reasonCode) {
        return String.format("0x%02X", reasonCode);
    }

    private static String one(Throwable failure) {
        if (failure instanceof MqttException mqtt) {
            int code = mqtt.getReasonCode();
            String text = String.valueOf(mqtt.getMessage());
            // Codes below 256 are MQTT reason codes from the broker (MQTT 5 §2.4); above, Paho's own.
            return code < 256 ? text + " (reason code " + hex(code) + ")" : text + " (" + code + ")";
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

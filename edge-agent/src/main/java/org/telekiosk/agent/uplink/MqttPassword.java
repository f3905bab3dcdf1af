package org.telekiosk.agent.uplink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The kiosk's MQTT password (the Password field of CONNECT, MQTT 5 §3.1.3.6). It never shows in {@link #toString()},
 * so a record or a log line that contains it prints {@code MqttPassword[redacted]}; the bytes leave only through
 * {@link #bytes()}, as a fresh copy for each CONNECT.
 */
public final class MqttPassword {
    private final byte[] bytes;

    private MqttPassword(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("MQTT password is empty");
        }
        if (bytes.length > 65_535) {
            throw new IllegalArgumentException("MQTT password is longer than 65535 bytes (MQTT 5 §1.5.6)");
        }
        this.bytes = bytes;
    }

    /** The password as UTF-8. */
    public static MqttPassword of(String password) {
        Objects.requireNonNull(password, "password");
        return new MqttPassword(password.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the password bytes; the caller owns it. */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MqttPassword that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "MqttPassword[redacted]";
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One frame of the monitor protocol (see the package documentation): a command or reply code and its payload.
 *
 * @param code    the command (host to monitor) or reply (monitor to host) code, 0x00..0xFF
 * @param payload 0..{@value #MAX_PAYLOAD} bytes; copied, never shared
 */
public record Frame(int code, byte[] payload) {

    static final int STX = 0x02;
    static final int ETX = 0x03;
    /** Largest payload; LEN counts the code too, so LEN is 1..33. */
    static final int MAX_PAYLOAD = 32;
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    public Frame {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException("frame code must be a byte, was " + code);
        }
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("frame payload must be at most " + MAX_PAYLOAD + " bytes, was "
                    + payload.length);
        }
        payload = payload.clone();
    }

    /** A frame without payload. */
    static Frame of(int code) {
        return new Frame(code, new byte[0]);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Byte {@code index} of the payload, unsigned. */
    int u8(int index) {
        return payload[index] & 0xFF;
    }

    /** Bytes {@code index} and {@code index + 1} of the payload as a big-endian unsigned number. */
    int u16(int index) {
        return u8(index) << 8 | u8(index + 1);
    }

    /** The frame on the wire: STX, LEN, code, payload, CRC-8 over LEN..payload, ETX. */
    byte[] encode() {
        byte[] bytes = new byte[payload.length + 5];
        bytes[0] = STX;
        bytes[1] = (byte) (payload.length + 1);
        bytes[2] = (byte) code;
        System.arraycopy(payload, 0, bytes, 3, payload.length);
        bytes[bytes.length - 2] = (byte) Crc8.of(bytes, 1, payload.length + 2);
        bytes[bytes.length - 1] = ETX;
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame frame && frame.code == code && Arrays.equals(frame.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return String.format("Frame[0x%02X %s]", code, HEX.formatHex(payload));
    }
}

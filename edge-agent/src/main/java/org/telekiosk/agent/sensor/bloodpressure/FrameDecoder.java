package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Arrays;
import java.util.Optional;

/**
 * Finds frames in a byte stream that may carry garbage: line noise, a half frame from before a reset, a reply that
 * came too late. Bytes are fed as they arrive; {@link #next()} returns the next frame once it is complete.
 *
 * <p>Resynchronisation: a frame starts at an STX whose LEN is 1..33 and whose ETX sits where LEN puts it. If either
 * fails, that STX was not a frame start: only it is dropped and the search goes on from the next byte, so a real
 * frame hidden behind a false start is still found. A candidate whose end has not arrived yet is waited for; when
 * the line falls silent, {@link #dropFalseStart()} gives it up. A candidate with STX, LEN and ETX in place but a
 * wrong CRC is a frame damaged in transit: it is consumed and reported as {@link ChecksumMismatch}.
 *
 * <p>Not thread-safe: one reader owns it.
 */
final class FrameDecoder {

    /** A structurally complete frame whose CRC does not match. */
    static final class ChecksumMismatch extends Exception {
        ChecksumMismatch(int code, int received, int computed) {
            super(String.format("CRC mismatch in a frame with code 0x%02X: received 0x%02X, computed 0x%02X", code,
                    received, computed));
        }
    }

    private byte[] buffer = new byte[64];
    private int length;
    private long discarded;

    /** Appends {@code count} received bytes. */
    void feed(byte[] bytes, int offset, int count) {
        if (length + count > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
        }
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    /** The next complete frame, or empty if more bytes are needed. */
    Optional<Frame> next() throws ChecksumMismatch {
        while (true) {
            int start = indexOfStx();
            consume(start < 0 ? length : start);
            if (length < 2) {
                return Optional.empty();
            }
            int len = buffer[1] & 0xFF;
            if (len < 1 || len > Frame.MAX_PAYLOAD + 1) {
                consume(1);
                continue;
            }
            int total = len + 4;
            if (length < total) {
                return Optional.empty();
            }
            if ((buffer[total - 1] & 0xFF) != Frame.ETX) {
                consume(1);
                continue;
            }
            int code = buffer[2] & 0xFF;
            int received = buffer[total - 2] & 0xFF;
            int computed = Crc8.of(buffer, 1, len + 1);
            byte[] payload = Arrays.copyOfRange(buffer, 3, 3 + len - 1);
            consume(total);
            discarded -= total;
            if (received != computed) {
                throw new ChecksumMismatch(code, received, computed);
            }
            return Optional.of(new Frame(code, payload));
        }
    }

    /**
     * The line fell silent while a candidate frame waits for its end: it was a false start. Drops its STX so that
     * {@link #next()} searches on.
     *
     * @return whether there was such a candidate
     */
    boolean dropFalseStart() {
        int start = indexOfStx();
        if (start < 0) {
            return false;
        }
        consume(start + 1);
        return true;
    }

    /** Whether bytes are buffered that may still become a frame. */
    boolean pending() {
        return indexOfStx() >= 0;
    }

    /** Bytes dropped as garbage so far. */
    long discarded() {
        return discarded;
    }

    /** Forgets everything buffered. */
    void clear() {
        consume(length);
    }

    private int indexOfStx() {
        for (int i = 0; i < length; i++) {
            if ((buffer[i] & 0xFF) == Frame.STX) {
                return i;
            }
        }
        return -1;
    }

    private void consume(int count) {
        System.arraycopy(buffer, count, buffer, 0, length - count);
        length -= count;
        discarded += count;
    }
}

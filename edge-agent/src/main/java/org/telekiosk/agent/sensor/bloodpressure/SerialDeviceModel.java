package org.telekiosk.agent.sensor.bloodpressure;

/**
 * A simulated device at the far end of a UART, seen at the level of bytes: it receives what the host transmits and
 * has bytes ready for the host to read. Implementations must be thread-safe.
 */
public interface SerialDeviceModel {

    /** The host transmitted {@code bytes}. */
    void received(byte[] bytes);

    /**
     * Moves at most {@code length} of the bytes the device has sent into {@code buffer}.
     *
     * @return how many, 0 if the device has sent nothing (more)
     */
    int transmitted(byte[] buffer, int offset, int length);
}

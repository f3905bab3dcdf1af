package org.telekiosk.agent.sensor.bloodpressure;

import java.io.IOException;
import java.time.Duration;

/**
 * A UART as the blood-pressure driver needs it, and no more: Pi4J 4 has no serial API, so this port stands where
 * Pi4J's {@code Serial} would. On a kiosk it is {@link JSerialCommPort}; in simulation a {@link SimulatedSerialPort}
 * wired to a simulated monitor. Line settings (9600 baud, 8N1) belong to the implementation.
 */
public interface SerialPort extends AutoCloseable {

    /**
     * Opens the port; reads and writes need an open port.
     *
     * @throws IOException if the port does not exist or cannot be opened
     */
    void open() throws IOException;

    /**
     * Reads what arrives, at most {@code length} bytes, waiting at most {@code timeout} for the first byte.
     *
     * @return how many bytes were read, 0 if none arrived within {@code timeout}
     * @throws IOException if the port fails (closed, device gone)
     */
    int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException;

    /**
     * Writes all of {@code data}.
     *
     * @throws IOException if the port fails or not all bytes could be written
     */
    void write(byte[] data) throws IOException;

    /** Closes the port; closing a closed port does nothing. */
    @Override
    void close();
}

package org.telekiosk.agent.sensor.bloodpressure;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link SerialPort} on jSerialComm: a device such as {@code /dev/serial0} (the Pi's primary UART) or
 * {@code /dev/ttyUSB0}, at 9600 baud, 8 data bits, no parity, one stop bit, no flow control. Reads use jSerialComm's
 * semi-blocking mode: they return as soon as any byte arrives, or with nothing after the timeout.
 */
public final class JSerialCommPort implements SerialPort {

    /** The monitor's line speed (see the protocol in the package documentation). */
    public static final int BAUD = 9600;

    private final String device;
    private com.fazecast.jSerialComm.SerialPort port;

    /** @param device the serial device, e.g. {@code /dev/serial0} */
    public JSerialCommPort(String device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public synchronized void open() throws IOException {
        if (port != null) {
            return;
        }
        com.fazecast.jSerialComm.SerialPort candidate;
        try {
            candidate = com.fazecast.jSerialComm.SerialPort.getCommPort(device);
        } catch (com.fazecast.jSerialComm.SerialPortInvalidPortException e) {
            throw new IOException("no serial port " + device + ": " + e.getMessage(), e);
        }
        candidate.setComPortParameters(BAUD, 8, com.fazecast.jSerialComm.SerialPort.ONE_STOP_BIT,
                com.fazecast.jSerialComm.SerialPort.NO_PARITY);
        if (!candidate.openPort()) {
            throw new IOException("cannot open serial port " + device + " (error " + candidate.getLastErrorCode()
                    + ")");
        }
        port = candidate;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        com.fazecast.jSerialComm.SerialPort open = requireOpen();
        int millis = (int) Math.clamp(timeout.toMillis(), 0, Integer.MAX_VALUE);
        open.setComPortTimeouts(com.fazecast.jSerialComm.SerialPort.TIMEOUT_READ_SEMI_BLOCKING, millis, 0);
        int count = open.readBytes(buffer, length, offset);
        if (count < 0) {
            throw new IOException("reading serial port " + device + " failed (error " + open.getLastErrorCode()
                    + ")");
        }
        return count;
    }

    @Override
    public synchronized void write(byte[] data) throws IOException {
        com.fazecast.jSerialComm.SerialPort open = requireOpen();
        int written = open.writeBytes(data, data.length);
        if (written != data.length) {
            throw new IOException("writing serial port " + device + " failed: " + written + " of " + data.length
                    + " bytes written (error " + open.getLastErrorCode() + ")");
        }
    }

    @Override
    public synchronized void close() {
        if (port != null) {
            port.closePort();
            port = null;
        }
    }

    private com.fazecast.jSerialComm.SerialPort requireOpen() throws IOException {
        if (port == null) {
            throw new IOException("serial port " + device + " is not open");
        }
        return port;
    }
}

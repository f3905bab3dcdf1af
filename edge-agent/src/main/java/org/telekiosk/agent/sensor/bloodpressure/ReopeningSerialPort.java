package org.telekiosk.agent.sensor.bloodpressure;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SerialPort} that opens its port when it is first used and again after it failed: a USB serial adapter
 * unplugged and plugged back in (or a device missing at boot) becomes usable without restarting the agent. While the
 * device is missing every read and write fails with the {@link IOException} of the open, which the driver reports
 * as no answer.
 */
public final class ReopeningSerialPort implements SerialPort {
    private final SerialPort port;
    private boolean open;

    public ReopeningSerialPort(SerialPort port) {
        this.port = Objects.requireNonNull(port, "port");
    }

    @Override
    public synchronized void open() throws IOException {
        if (!open) {
            port.open();
            open = true;
        }
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        open();
        try {
            return port.read(buffer, offset, length, timeout);
        } catch (IOException e) {
            reset();
            throw e;
        }
    }

    @Override
    public synchronized void write(byte[] data) throws IOException {
        open();
        try {
            port.write(data);
        } catch (IOException e) {
            reset();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        reset();
    }

    private void reset() {
        open = false;
        port.close();
    }
}

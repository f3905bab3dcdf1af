package org.telekiosk.agent.sensor.bloodpressure;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SerialPort} wired to a {@link SerialDeviceModel}. The simulation has no clock: a read returns what the
 * device has sent so far, and "the timeout elapsed" (0 bytes) at once when it has sent nothing.
 */
public final class SimulatedSerialPort implements SerialPort {

    private final SerialDeviceModel device;
    private boolean open;

    public SimulatedSerialPort(SerialDeviceModel device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public synchronized void open() {
        open = true;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        requireOpen();
        return device.transmitted(buffer, offset, length);
    }

    @Override
    public synchronized void write(byte[] data) throws IOException {
        requireOpen();
        device.received(data.clone());
    }

    @Override
    public synchronized void close() {
        open = false;
    }

    private void requireOpen() throws IOException {
        if (!open) {
            throw new IOException("simulated serial port is not open");
        }
    }
}

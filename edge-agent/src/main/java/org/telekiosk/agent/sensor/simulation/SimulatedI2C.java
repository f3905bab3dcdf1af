package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.exception.IOException;
import com.pi4j.io.i2c.I2CBase;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProvider;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Pi4J {@link com.pi4j.io.i2c.I2C} whose transfers reach the chip model attached at its bus and address. Each Pi4J
 * call becomes the transfer {@code pi4j-plugin-ffm}'s default ("DIRECT", Linux {@code I2C_RDWR}) implementation
 * makes of it: a register read is a write of the register byte and a read joined by a repeated start.
 */
final class SimulatedI2C extends I2CBase<SimulatedI2CBus> {

    @FunctionalInterface
    private interface Transfer {
        byte[] run(I2CDeviceModel chip, int address) throws NotAcknowledgedException;
    }

    private static final byte[] NOTHING = new byte[0];

    private final SimulatedI2CBuses buses;

    SimulatedI2C(I2CProvider provider, I2CConfig config, SimulatedI2CBus bus, SimulatedI2CBuses buses) {
        super(provider, config, bus);
        this.buses = buses;
    }

    @Override
    public int read() {
        return Byte.toUnsignedInt(receive(1)[0]);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        System.arraycopy(receive(length), 0, buffer, offset, length);
        return length;
    }

    @Override
    public int write(byte b) {
        send(new byte[] {b});
        return 1;
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        send(Arrays.copyOfRange(data, offset, offset + length));
        return length;
    }

    @Override
    public int readRegister(int register) {
        return Byte.toUnsignedInt(sendThenReceive(new byte[] {(byte) register}, 1)[0]);
    }

    @Override
    public int readRegister(int register, byte[] buffer, int offset, int length) {
        return readRegister(new byte[] {(byte) register}, buffer, offset, length);
    }

    @Override
    public int readRegister(byte[] register, byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        System.arraycopy(sendThenReceive(register.clone(), length), 0, buffer, offset, length);
        return length;
    }

    @Override
    public int writeRegister(int register, byte b) {
        send(new byte[] {(byte) register, b});
        return 1;
    }

    @Override
    public int writeRegister(int register, byte[] data, int offset, int length) {
        return writeRegister(new byte[] {(byte) register}, data, offset, length);
    }

    @Override
    public int writeRegister(byte[] register, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        byte[] bytes = Arrays.copyOf(register, register.length + length);
        System.arraycopy(data, offset, bytes, register.length, length);
        send(bytes);
        return length;
    }

    /** The simulation has no clock, so {@code readDelayNanos} passes instantly. */
    @Override
    public void writeThenRead(byte[] writeBuffer, int writeOffset, int writeLength, int readDelayNanos,
            byte[] readBuffer, int readOffset, int readLength) {
        if (readLength == 0) {
            write(writeBuffer, writeOffset, writeLength);
        } else if (writeLength == 0) {
            read(readBuffer, readOffset, readLength);
        } else {
            Objects.checkFromIndexSize(writeOffset, writeLength, writeBuffer.length);
            Objects.checkFromIndexSize(readOffset, readLength, readBuffer.length);
            byte[] written = Arrays.copyOfRange(writeBuffer, writeOffset, writeOffset + writeLength);
            System.arraycopy(sendThenReceive(written, readLength), 0, readBuffer, readOffset, readLength);
        }
    }

    private void send(byte[] data) {
        transfer((chip, address) -> {
            chip.write(address, data);
            return NOTHING;
        }, 0);
    }

    private byte[] receive(int length) {
        return transfer((chip, address) -> chip.read(address, length), length);
    }

    private byte[] sendThenReceive(byte[] written, int length) {
        return transfer((chip, address) -> chip.writeRead(address, written, length), length);
    }

    private byte[] transfer(Transfer transfer, int expectedLength) {
        int bus = i2CBus.number();
        int address = device();
        return i2CBus.execute(this, () -> {
            if (!isOpen()) {
                throw new IOException("I2C bus " + bus + " address " + SimulatedI2CBuses.hex(address)
                        + " is closed: Bad file descriptor (9)");
            }
            try {
                I2CDeviceModel chip = buses.deviceAt(bus, address)
                        .orElseThrow(() -> new NotAcknowledgedException("address " + SimulatedI2CBuses.hex(address)));
                byte[] answer = transfer.run(chip, address);
                if (answer.length != expectedLength) {
                    throw new IllegalStateException("chip model " + chip + " answered " + answer.length
                            + " bytes to a read of " + expectedLength);
                }
                return answer;
            } catch (NotAcknowledgedException e) {
                // What Linux reports for a NACK (EREMOTEIO), so drivers see the error a real bus gives them. Not
                // chained: like the host's errno message, this is the innermost cause a driver reports.
                throw new IOException("I2C bus " + bus + ": " + e.getMessage() + ": Remote I/O error (121)");
            }
        });
    }
}

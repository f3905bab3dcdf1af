package org.telekiosk.agent.sensor.simulation;

/**
 * A simulated chip on an I2C bus, seen at the level of bus transfers as NXP's I2C-bus specification (UM10204, §3.1)
 * defines them: START, 7-bit address and R/W bit, acknowledged bytes, repeated START, STOP. Each method is one
 * transfer from START to STOP; the model answers as its datasheet says, including checksums and faults.
 *
 * <p>Implementations must be thread-safe: the agent's sampler and a test may call them concurrently.
 */
public interface I2CDeviceModel {

    /**
     * {@code S addr+W data... P}: the controller writes {@code data}.
     *
     * @param address the 7-bit address the controller sent (a chip may answer at more than one)
     * @throws NotAcknowledgedException if the chip does not acknowledge the address or one of the bytes
     */
    void write(int address, byte[] data) throws NotAcknowledgedException;

    /**
     * {@code S addr+R data... P}: the controller reads {@code length} bytes.
     *
     * @return exactly {@code length} bytes; where a real chip stops driving SDA, the pull-ups make them {@code 0xFF}
     * @throws NotAcknowledgedException if the chip does not acknowledge the address
     */
    byte[] read(int address, int length) throws NotAcknowledgedException;

    /**
     * {@code S addr+W written... Sr addr+R data... P}: a write and a read joined by a repeated start, as register
     * reads and the SMBus "read word" are done.
     *
     * @return exactly {@code length} bytes
     * @throws NotAcknowledgedException if the chip does not acknowledge the address or one of the written bytes
     */
    byte[] writeRead(int address, byte[] written, int length) throws NotAcknowledgedException;
}

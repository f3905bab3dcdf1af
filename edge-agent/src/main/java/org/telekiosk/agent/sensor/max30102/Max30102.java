package org.telekiosk.agent.sensor.max30102;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.i2c.I2C;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import org.telekiosk.agent.sensor.I2cDevices;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * Driver for the MAX30102 / MAX30101 pulse oximeter in SpO2 mode (red and IR LEDs) over I2C at 0x57.
 *
 * <ul>
 *   <li>{@link #initialise}: checks the part id (0xFF reads 0x15), resets the chip (MODE_CONFIG bit 6, "Mode
 *       Configuration") and waits until the bit clears, writes the FIFO, SpO2 and LED configuration, clears
 *       FIFO_WR_PTR, OVF_COUNTER and FIFO_RD_PTR as the datasheet recommends before a new conversion ("FIFO"), and
 *       enters SpO2 mode (MODE = 011) last, so that the first sample is taken with the final settings.</li>
 *   <li>{@link #readFifo}: the datasheet's pseudo-code ("FIFO", "Pseudo-Code Example of Reading Data from FIFO"):
 *       read the pointers, take {@code (FIFO_WR_PTR - FIFO_RD_PTR) mod 32} samples with one burst read of FIFO_DATA
 *       (0x07, whose address does not auto-increment), 6 bytes per sample. The chip advances FIFO_RD_PTR itself.</li>
 *   <li>{@link #startDieTemperature} / {@link #readDieTemperature}: TEMP_EN (0x21) and the integer and fraction
 *       registers 0x1F / 0x20 ("Temperature Data").</li>
 * </ul>
 *
 * <p>Every answer is checked before it becomes a number: bits the datasheet defines as unused must read 0 (FIFO
 * pointers bits 7:5, FIFO data bits 23:18, the bits below the ADC resolution); a set one means a corrupted transfer,
 * e.g. a chip that let go of SDA, and is a {@link Kind#BUS_ERROR}. The driver never sleeps or reads a clock; callers
 * pace their reads (the FIFO holds 32 samples, 320 ms at 100 samples/s).
 *
 * <p>Pointer arithmetic cannot tell a full FIFO from an empty one (both have equal pointers). The driver reads equal
 * pointers with a non-zero OVF_COUNTER as full; a FIFO that is exactly full without having dropped a sample reads as
 * empty, and is read whole on the next call after one sample was dropped and counted. Reading every 100-200 ms
 * avoids both.
 */
public final class Max30102 {

    /** The chip's fixed 7-bit address (datasheet, "I2C Slave Address": 0xAE write, 0xAF read). */
    public static final int DEFAULT_ADDRESS = 0x57;
    /** PART_ID (0xFF) of the MAX30102, and of the MAX30101. */
    public static final int PART_ID = 0x15;

    static final int FIFO_WR_PTR = 0x04;
    static final int FIFO_DATA = 0x07;
    static final int FIFO_CONFIG = 0x08;
    static final int MODE_CONFIG = 0x09;
    static final int SPO2_CONFIG = 0x0A;
    static final int LED1_PA = 0x0C;
    static final int LED2_PA = 0x0D;
    static final int TEMP_INTEGER = 0x1F;
    static final int TEMP_CONFIG = 0x21;
    static final int REV_ID = 0xFE;

    static final int MODE_RESET = 0x40;
    static final int MODE_SPO2 = 0x03;
    static final int FIFO_DEPTH = 32;
    static final int BYTES_PER_SAMPLE = 6;
    /** Register reads allowed for the reset to finish; the chip clears the bit within one transfer's time. */
    private static final int RESET_POLLS = 10;

    private final I2C i2c;
    private volatile Max30102Config config = Max30102Config.DEFAULT;

    /** @param i2c the chip's device on its bus, e.g. from {@link #open} */
    public Max30102(I2C i2c) {
        this.i2c = Objects.requireNonNull(i2c, "i2c");
    }

    /**
     * Opens the chip at {@code address} on I2C {@code bus} through {@code pi4j}'s I2C provider, with the default
     * DIRECT implementation (register reads joined to their address byte by a repeated start).
     */
    public static Max30102 open(Context pi4j, int bus, int address) {
        return new Max30102(I2cDevices.open(pi4j, "max30102", bus, address));
    }

    /**
     * Probes, resets and configures the chip and starts SpO2 conversions.
     *
     * @return the chip's revision (REV_ID, 0xFE)
     * @throws SensorException {@link Kind#DEVICE_ERROR} if the part id is not 0x15 or the reset does not finish;
     *                         {@link Kind#NO_ANSWER} if the chip does not answer
     */
    public int initialise(Max30102Config newConfig) throws SensorException {
        Objects.requireNonNull(newConfig, "newConfig");
        byte[] ids = readRegisters(REV_ID, 2);
        int partId = ids[1] & 0xFF;
        if (partId != PART_ID) {
            throw new SensorException(Kind.DEVICE_ERROR, String.format(Locale.ROOT,
                    "the chip at %s is not a MAX30102/MAX30101: PART_ID (0xFF) reads 0x%02X, expected 0x%02X",
                    where(), partId, PART_ID));
        }
        writeRegister(MODE_CONFIG, MODE_RESET);
        awaitResetDone();
        writeRegister(FIFO_CONFIG, newConfig.fifoConfiguration());
        writeRegister(SPO2_CONFIG, newConfig.spo2Configuration());
        writeRegister(LED1_PA, newConfig.redCurrentCode());
        writeRegister(LED2_PA, newConfig.irCurrentCode());
        // FIFO_WR_PTR, OVF_COUNTER and FIFO_RD_PTR are consecutive: one burst write clears all three.
        writeRegisters(FIFO_WR_PTR, 0, 0, 0);
        writeRegister(MODE_CONFIG, MODE_SPO2);
        config = newConfig;
        return ids[0] & 0xFF;
    }

    /** The configuration last written by {@link #initialise}. */
    public Max30102Config config() {
        return config;
    }

    /**
     * Takes every sample waiting in the FIFO.
     *
     * @throws SensorException {@link Kind#NO_ANSWER} if a transfer is not acknowledged, {@link Kind#BUS_ERROR} if it comes back corrupted
     */
    public FifoRead readFifo() throws SensorException {
        byte[] pointers = readRegisters(FIFO_WR_PTR, 3);
        for (byte pointer : pointers) {
            if ((pointer & 0xE0) != 0) {
                throw corrupted(String.format(Locale.ROOT,
                        "FIFO pointers 0x%02X 0x%02X 0x%02X have unused bits 7:5 set",
                        pointers[0], pointers[1], pointers[2]));
            }
        }
        int lost = pointers[1];
        int available = available(pointers[0], pointers[2], lost);
        if (available == 0) {
            return new FifoRead(List.of(), lost);
        }
        byte[] data = readRegisters(FIFO_DATA, available * BYTES_PER_SAMPLE);
        int lowBits = (1 << (18 - config.pulseWidth().resolutionBits())) - 1;
        List<PpgSample> samples = new ArrayList<>(available);
        for (int i = 0; i < available; i++) {
            int red = channel(data, i * BYTES_PER_SAMPLE, lowBits);
            int ir = channel(data, i * BYTES_PER_SAMPLE + 3, lowBits);
            samples.add(new PpgSample(red, ir));
        }
        return new FifoRead(samples, lost);
    }

    /**
     * Whether the chip is converting in SpO2 mode (MODE_CONFIG reads 0x03). A chip that lost power for a moment
     * answers every transfer but has its registers at reset (MODE 000: no conversions) and an empty FIFO forever.
     */
    public boolean isInSpo2Mode() throws SensorException {
        return readRegisters(MODE_CONFIG, 1)[0] == MODE_SPO2;
    }

    /** Samples waiting between the pointers (datasheet "FIFO": wrap-around taken into account). */
    static int available(int writePointer, int readPointer, int overflowCounter) {
        int waiting = Math.floorMod(writePointer - readPointer, FIFO_DEPTH);
        return waiting == 0 && overflowCounter > 0 ? FIFO_DEPTH : waiting;
    }

    /** Starts one die temperature conversion (TEMP_EN, 0x21); it takes about 29 ms (datasheet, "Temperature"). */
    public void startDieTemperature() throws SensorException {
        writeRegister(TEMP_CONFIG, 0x01);
    }

    /**
     * The die temperature in °C (integer 0x1F, two's complement, plus 0x20 bits 3:0 in 1/16 °C), or empty while the
     * conversion started by {@link #startDieTemperature} is still running (TEMP_EN still set).
     */
    public OptionalDouble readDieTemperature() throws SensorException {
        if ((readRegisters(TEMP_CONFIG, 1)[0] & 0x01) != 0) {
            return OptionalDouble.empty();
        }
        byte[] temperature = readRegisters(TEMP_INTEGER, 2);
        if ((temperature[1] & 0xF0) != 0) {
            throw corrupted(String.format(Locale.ROOT, "TFRAC 0x%02X has unused bits 7:4 set", temperature[1]));
        }
        return OptionalDouble.of(dieCelsius(temperature[0], temperature[1]));
    }

    /** TINT (signed) plus TFRAC × 0.0625 °C (datasheet, "Temperature Data"); exact in binary. */
    static double dieCelsius(byte integer, byte fraction) {
        return integer + (fraction & 0x0F) * 0.0625;
    }

    private int channel(byte[] data, int offset, int lowBits) throws SensorException {
        int b0 = data[offset] & 0xFF;
        if ((b0 & 0xFC) != 0) {
            throw corrupted(String.format(Locale.ROOT, "FIFO data byte 0x%02X has unused bits 23:18 set", b0));
        }
        int value = b0 << 16 | (data[offset + 1] & 0xFF) << 8 | data[offset + 2] & 0xFF;
        if ((value & lowBits) != 0) {
            throw corrupted(String.format(Locale.ROOT,
                    "FIFO data 0x%05X has bits below the %d-bit resolution set", value,
                    config.pulseWidth().resolutionBits()));
        }
        return value;
    }

    private void awaitResetDone() throws SensorException {
        for (int poll = 0; poll < RESET_POLLS; poll++) {
            if ((readRegisters(MODE_CONFIG, 1)[0] & MODE_RESET) == 0) {
                return;
            }
        }
        throw new SensorException(Kind.DEVICE_ERROR, String.format(Locale.ROOT,
                "the MAX30102 at %s did not finish its reset: MODE_CONFIG bit 6 still set after %d reads", where(),
                RESET_POLLS));
    }

    private SensorException corrupted(String what) {
        return new SensorException(Kind.BUS_ERROR, "corrupted answer from the MAX30102 at " + where() + ": " + what);
    }

    private void writeRegister(int register, int value) throws SensorException {
        writeRegisters(register, value);
    }

    private void writeRegisters(int register, int... values) throws SensorException {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        try {
            i2c.writeRegister(register, data, 0, data.length);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                    "no answer from the MAX30102 at %s writing register 0x%02X: %s", where(), register,
                    SensorException.rootMessage(e)), e);
        }
    }

    private byte[] readRegisters(int register, int length) throws SensorException {
        byte[] answer = new byte[length];
        int count;
        try {
            count = i2c.readRegister(register, answer, 0, length);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                    "no answer from the MAX30102 at %s reading register 0x%02X: %s", where(), register,
                    SensorException.rootMessage(e)), e);
        }
        if (count != length) {
            // Pi4J's contract allows a negative error code instead of an exception.
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "reading register 0x%02X of the MAX30102 at %s returned %d instead of %d bytes", register,
                    where(), count, length));
        }
        return answer;
    }

    private String where() {
        return String.format(Locale.ROOT, "I2C bus %d address 0x%02X", i2c.bus(), i2c.device());
    }
}

package org.telekiosk.agent.sensor.mlx90614;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.i2c.I2C;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.I2cDevices;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * Driver for the Melexis MLX90614 infrared thermometer over SMBus (datasheet §8.4). It reads the linearised
 * temperatures from RAM (datasheet §8.3.4: 0x06 T<sub>A</sub>, 0x07 T<sub>OBJ1</sub>) with the SMBus "read word"
 * (datasheet §8.4.3.1.1): command, repeated start, data byte low, data byte high, PEC. Every answer is checked before
 * it becomes a temperature:
 *
 * <ol>
 *   <li>the transfer completes, else {@link Kind#NO_ANSWER} (no acknowledge, I/O error of the host), or
 *       {@link Kind#BUS_ERROR} for a short answer;</li>
 *   <li>the PEC matches (datasheet §8.4.3.1), else {@link Kind#CHECKSUM};</li>
 *   <li>bit 15, the error flag of the linearised temperatures (datasheet §8.4.6), is clear, else
 *       {@link Kind#DEVICE_ERROR};</li>
 *   <li>the value lies in the calibrated range (datasheet, "Features and Benefits": object -70..+380 °C, sensor
 *       -40..+125 °C), else {@link Kind#OUT_OF_RANGE}. The edges hold to the chip's resolution: no word encodes
 *       -70.00 or +380.00 °C exactly, so -70.01 °C (0x27AD, the lowest object word the chip sends) and +380.01 °C
 *       are inside, the next steps out are not.</li>
 * </ol>
 *
 * <p>Temperatures come in steps of 0.02 K (datasheet §8.4.6: 0x27AD is -70.01 °C, 0x7FFF is +382.19 °C), so the
 * values returned are exact to 0.01 °C. The driver neither sleeps nor reads a clock; it holds no state but the
 * {@link I2C}, and Pi4J serialises transfers on a bus, so it may be shared between threads.
 *
 * <p>Use Pi4J's default "DIRECT" I2C implementation ({@code I2C_RDWR} on Linux), as {@link #open} does: it joins
 * command and read with a repeated start, as the read word needs. In Pi4J 4.0.2 the "SMBUS" implementation turns a
 * multi-byte register read into an SMBus block read, which this chip does not support (datasheet §8.4.2).
 */
public final class Mlx90614 {

    /** The factory SMBus address (datasheet §8.3.3, EEPROM 0x0E, "SMBus address"). */
    public static final int DEFAULT_ADDRESS = 0x5A;

    /** Lowest object temperature the chip is calibrated for, in °C. */
    public static final double OBJECT_MIN_CELSIUS = -70.0;
    /** Highest object temperature the chip is calibrated for, in °C. */
    public static final double OBJECT_MAX_CELSIUS = 380.0;
    /** Lowest sensor (ambient) temperature the chip is calibrated for, in °C. */
    public static final double AMBIENT_MIN_CELSIUS = -40.0;
    /** Highest sensor (ambient) temperature the chip is calibrated for, in °C. */
    public static final double AMBIENT_MAX_CELSIUS = 125.0;

    static final int RAM_TA = 0x06;
    static final int RAM_TOBJ1 = 0x07;

    private static final int ERROR_FLAG = 0x8000;

    private final I2C i2c;

    /** @param i2c the chip's device on its bus, e.g. from {@link #open} */
    public Mlx90614(I2C i2c) {
        this.i2c = Objects.requireNonNull(i2c, "i2c");
    }

    /**
     * Opens the chip at {@code address} on I2C {@code bus} through {@code pi4j}'s I2C provider.
     *
     * @throws Pi4JException if Pi4J cannot open the bus, or already has a device open at that address
     */
    public static Mlx90614 open(Context pi4j, int bus, int address) {
        return new Mlx90614(I2cDevices.open(pi4j, "mlx90614", bus, address));
    }

    /** The object temperature T<sub>OBJ1</sub> (RAM 0x07) in °C, e.g. a forehead's. */
    public double readObjectTemperature() throws SensorException {
        return readTemperature(RAM_TOBJ1, "object temperature", OBJECT_MIN_CELSIUS, OBJECT_MAX_CELSIUS);
    }

    /** The sensor's own (ambient) temperature T<sub>A</sub> (RAM 0x06) in °C. */
    public double readAmbientTemperature() throws SensorException {
        return readTemperature(RAM_TA, "ambient temperature", AMBIENT_MIN_CELSIUS, AMBIENT_MAX_CELSIUS);
    }

    /** A linearised temperature word (error flag clear) in °C: 0.02 K per LSB, exact to 0.01 °C. */
    static double toCelsius(int word) {
        // In hundredths: word * 2 (0.02 K steps) minus 27315 (273.15 K); one division keeps the result exact.
        return (word * 2 - 27315) / 100.0;
    }

    private double readTemperature(int register, String what, double min, double max) throws SensorException {
        int word = readWord(register);
        if ((word & ERROR_FLAG) != 0) {
            throw new SensorException(Kind.DEVICE_ERROR, String.format(Locale.ROOT,
                    "MLX90614 at %s reports an error for the %s (RAM 0x%02X): error flag (bit 15) set in 0x%04X",
                    where(), what, register, word));
        }
        double celsius = toCelsius(word);
        int hundredths = word * 2 - 27315;
        if (hundredths < Math.round(min * 100) - 1 || hundredths > Math.round(max * 100) + 1) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "%s %.2f °C from the MLX90614 at %s is outside the sensor's range %.0f..%.0f °C",
                    what, celsius, where(), min, max));
        }
        return celsius;
    }

    /** One SMBus read word of {@code command}, its PEC checked; the 16-bit value, LSB first on the wire. */
    private int readWord(int command) throws SensorException {
        byte[] answer = new byte[3];
        int count;
        try {
            count = i2c.readRegister(command, answer, 0, answer.length);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                    "no answer from the MLX90614 at %s reading register 0x%02X: %s",
                    where(), command, SensorException.rootMessage(e)), e);
        }
        if (count != answer.length) {
            // Pi4J's contract allows a negative error code instead of an exception.
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "reading register 0x%02X of the MLX90614 at %s returned %d instead of %d bytes",
                    command, where(), count, answer.length));
        }
        int lsb = answer[0] & 0xFF;
        int msb = answer[1] & 0xFF;
        int received = answer[2] & 0xFF;
        int address = i2c.device();
        int computed = SmbusPec.of(address << 1, command, address << 1 | 1, lsb, msb);
        if (received != computed) {
            throw new SensorException(Kind.CHECKSUM, String.format(Locale.ROOT,
                    "PEC mismatch from the MLX90614 at %s register 0x%02X: received 0x%02X, computed 0x%02X"
                            + " over data 0x%02X%02X",
                    where(), command, received, computed, msb, lsb));
        }
        return msb << 8 | lsb;
    }

    private String where() {
        return String.format(Locale.ROOT, "I2C bus %d address 0x%02X", i2c.bus(), i2c.device());
    }
}

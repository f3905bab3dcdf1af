package org.telekiosk.agent.sensor.ads1115;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.i2c.I2C;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.I2cDevices;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * Driver for the ADS1115 ADC in continuous-conversion mode (datasheet §9.4.2) over I2C (0x48 with ADDR at GND).
 *
 * <p>Registers are 16 bits, most significant byte first (datasheet §9.5.3): a write is the address pointer (§9.6.1)
 * and two bytes; a read sets the pointer and reads two bytes, here joined by a repeated start. {@link #configure}
 * writes the Config register and reads it back; {@link #readCode} reads the Conversion register (§9.6.2), the newest
 * completed conversion. In continuous mode a read faster than the data rate returns the same conversion again: the
 * caller paces reads at the data rate (the ALERT/RDY pin is not used).
 *
 * <p>The ADS1115 has no checksum. What the driver can check, it does: {@link #verify} compares the Config register
 * with what was written (a chip that lost power is back in single-shot mode, datasheet §9.6.3 reset value 8583h), and
 * with a single-ended input a negative code, such as FFFFh from a released bus, is refused (datasheet §9.3.3: a
 * single-ended input uses the positive half of the code range).
 */
public final class Ads1115 {

    /** 7-bit address with ADDR tied to GND (datasheet §9.5.1.1, Table 4). */
    public static final int DEFAULT_ADDRESS = 0x48;

    static final int CONVERSION = 0x00;
    static final int CONFIG = 0x01;
    /** OS reads back as conversion status, not as written (datasheet §9.6.3). */
    private static final int OS = 0x8000;
    /**
     * Lowest single-ended code accepted. The offset error could give a code just below 0000h for an input at GND; the
     * signals this driver reads (an ECG front end biased at mid-supply) never come near GND, while FFFFh is exactly
     * what a released bus reads, so any negative code is refused.
     */
    private static final int SINGLE_ENDED_MIN_CODE = 0;

    private final I2C i2c;
    private volatile Ads1115Config config;

    /** @param i2c the chip's device on its bus, e.g. from {@link #open} */
    public Ads1115(I2C i2c) {
        this.i2c = Objects.requireNonNull(i2c, "i2c");
    }

    /** Opens the chip at {@code address} on I2C {@code bus}, with Pi4J's default DIRECT implementation. */
    public static Ads1115 open(Context pi4j, int bus, int address) {
        return new Ads1115(I2cDevices.open(pi4j, "ads1115", bus, address));
    }

    /**
     * Writes {@code newConfig} to the Config register, which starts continuous conversion, and checks that it took.
     *
     * @throws SensorException {@link Kind#NO_ANSWER} if the chip does not answer, {@link Kind#DEVICE_ERROR} if the
     *                         register reads back otherwise
     */
    public void configure(Ads1115Config newConfig) throws SensorException {
        Objects.requireNonNull(newConfig, "newConfig");
        int word = newConfig.configWord();
        try {
            i2c.writeRegister(CONFIG, new byte[] {(byte) (word >> 8), (byte) word}, 0, 2);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                    "no answer from the ADS1115 at %s writing the Config register: %s", where(), SensorException.rootMessage(e)), e);
        }
        config = newConfig;
        verify();
    }

    /**
     * Reads the Config register back and compares it with the configuration written.
     *
     * @throws SensorException {@link Kind#DEVICE_ERROR} if it differs (the chip was reset, or never configured)
     */
    public void verify() throws SensorException {
        Ads1115Config expected = requireConfigured();
        int actual = readRegister(CONFIG);
        if ((actual & ~OS) != expected.configWord()) {
            throw new SensorException(Kind.DEVICE_ERROR, String.format(Locale.ROOT,
                    "the ADS1115 at %s has Config 0x%04X, expected 0x%04X%s", where(), actual,
                    expected.configWord(), actual == Ads1115Config.RESET_VALUE ? " (its power-on value: it was reset)"
                            : ""));
        }
    }

    /** The configuration last written. */
    public Ads1115Config config() {
        return requireConfigured();
    }

    /** The newest conversion as its two's-complement code. */
    public short readCode() throws SensorException {
        Ads1115Config current = requireConfigured();
        short code = (short) readRegister(CONVERSION);
        if (current.input().singleEnded() && code < SINGLE_ENDED_MIN_CODE) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "the ADS1115 at %s sent code 0x%04X (%d) for single-ended input %s, which cannot go below 0:"
                            + " a corrupted transfer", where(), code & 0xFFFF, code, current.input()));
        }
        return code;
    }

    /** The newest conversion in mV at the ADC's input, exact to the LSB. */
    public double readMillivolts() throws SensorException {
        return requireConfigured().toMillivolts(readCode());
    }

    private int readRegister(int register) throws SensorException {
        byte[] answer = new byte[2];
        int count;
        try {
            count = i2c.readRegister(register, answer, 0, 2);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                    "no answer from the ADS1115 at %s reading register 0x%02X: %s", where(), register,
                    SensorException.rootMessage(e)), e);
        }
        if (count != 2) {
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "reading register 0x%02X of the ADS1115 at %s returned %d instead of 2 bytes", register, where(),
                    count));
        }
        return (answer[0] & 0xFF) << 8 | answer[1] & 0xFF;
    }

    private Ads1115Config requireConfigured() {
        Ads1115Config current = config;
        if (current == null) {
            throw new IllegalStateException("configure the ADS1115 at " + where() + " first");
        }
        return current;
    }

    private String where() {
        return String.format(Locale.ROOT, "I2C bus %d address 0x%02X", i2c.bus(), i2c.device());
    }
}

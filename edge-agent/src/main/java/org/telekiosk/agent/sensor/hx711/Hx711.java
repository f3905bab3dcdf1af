package org.telekiosk.agent.sensor.hx711;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * Driver for the HX711 over two GPIO lines: PD_SCK (a Pi output) and DOUT (a Pi input), bit-banged as the datasheet's
 * "Serial Interface" and Fig. 2 prescribe. A read waits for DOUT low (data ready), then gives 25 to 27 positive
 * PD_SCK pulses: on each of the first 24 the chip shifts out one bit, MSB first, of a 24-bit two's complement value;
 * the 25th pulls DOUT back high; the count selects channel and gain of the <em>next</em> conversion (Table 3).
 *
 * <p>What the driver checks, so that a broken line gives an error, never a wrong number:
 * <ol>
 *   <li>DOUT goes low within {@link ReadyPolling#budget()}, else {@link Kind#NO_ANSWER} (unplugged, powered down,
 *       stuck);</li>
 *   <li>DOUT is high from the 25th rising edge to the end of the read, as the datasheet says the 25th pulse pulls it
 *       high until the next conversion is ready, else {@link Kind#BUS_ERROR} (a floating or disturbed data line).
 *       Noise can still pass these checks by chance (one in 4 to 16 reads), so a single value can never be fully
 *       trusted; {@link Hx711Scale} compares several;</li>
 *   <li>PD_SCK was high no longer than 50 µs per pulse (Table 4, T3 max), else {@link Kind#BUS_ERROR}: held high past
 *       60 µs the chip powers down and resets ("Reset and Power-Down"), so the bits read are not the conversion's;</li>
 *   <li>the value is not saturated at 0x800000 or 0x7FFFFF ("Output Data Rate and Format": an input out of range
 *       saturates there), else {@link Kind#OUT_OF_RANGE}.</li>
 * </ol>
 *
 * <p>The driver remembers which gain the chip converts with. Asking for another gain costs one discarded read (the
 * selection applies to the next conversion). After any failure that state is unknown (the chip may have been
 * replugged and reset), so the next read first resets the chip by a power-down and power-up; a driver therefore
 * recovers by itself once the chip answers again. Methods are synchronized: one read at a time owns the lines.
 */
public final class Hx711 {

    /** T1 min: DOUT falling edge to the first PD_SCK rising edge. */
    static final long T1_NANOS = 100;
    /** T3 typ: PD_SCK high time. */
    static final long T3_NANOS = 1_000;
    /** T4 typ: PD_SCK low time. */
    static final long T4_NANOS = 1_000;
    /** T3 max: a longer high time voids the read. */
    static final long T3_MAX_NANOS = 50_000;
    /** Held high this long, PD_SCK powers the chip down (datasheet: longer than 60 µs). */
    static final long POWER_DOWN_NANOS = 100_000;

    private static final int SATURATED_MIN = -0x800000;
    private static final int SATURATED_MAX = 0x7FFFFF;

    private final DigitalOutput clock;
    private final DigitalInput data;
    private final PinTiming timing;
    private final ReadyPolling polling;
    private Gain selected;
    private boolean poweredDown;

    /**
     * @param clock   PD_SCK, low when idle
     * @param data    DOUT, with a pull-up so that an unplugged chip reads "not ready"
     * @param timing  see {@link PinTiming}
     * @param polling how long to wait for data ready
     */
    public Hx711(DigitalOutput clock, DigitalInput data, PinTiming timing, ReadyPolling polling) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.data = Objects.requireNonNull(data, "data");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.polling = Objects.requireNonNull(polling, "polling");
    }

    /**
     * Opens PD_SCK on GPIO {@code clockBcm} (initially low: normal operation; high when the context shuts down, which
     * powers chip and load cell down) and DOUT on GPIO {@code dataBcm} with a pull-up.
     *
     * @throws Pi4JException if Pi4J cannot open the lines
     */
    public static Hx711 open(Context pi4j, int clockBcm, int dataBcm, PinTiming timing, ReadyPolling polling) {
        DigitalOutput clock = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id(String.format(Locale.ROOT, "hx711-pd-sck-%d", clockBcm))
                .bcm(clockBcm)
                .initial(DigitalState.LOW)
                .shutdown(DigitalState.HIGH)
                .build());
        DigitalInput data = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id(String.format(Locale.ROOT, "hx711-dout-%d", dataBcm))
                .bcm(dataBcm)
                .pull(PullResistance.PULL_UP)
                .build());
        return new Hx711(clock, data, timing, polling);
    }

    /**
     * One conversion at {@code gain}, as the signed 24-bit value the chip sent (-8388607..8388606; the saturation
     * codes are refused).
     *
     * @throws IllegalStateException if the chip is powered down
     */
    public synchronized int read(Gain gain) throws SensorException {
        Objects.requireNonNull(gain, "gain");
        if (poweredDown) {
            throw new IllegalStateException("HX711 " + where() + " is powered down: power it up before reading");
        }
        boolean done = false;
        try {
            if (selected == null) {
                reset();
            }
            if (selected != gain) {
                shiftIn(gain); // converted with the old gain: only its pulse count matters
                selected = gain;
            }
            int value = shiftIn(gain);
            done = true;
            return value;
        } finally {
            if (!done) {
                selected = null;
            }
        }
    }

    /** Powers the chip (and, with its regulator, the load cell) down: PD_SCK high for longer than 60 µs. */
    public synchronized void powerDown() throws SensorException {
        setClock(true);
        timing.pause(POWER_DOWN_NANOS);
        poweredDown = true;
        selected = null;
    }

    /** Powers the chip up: PD_SCK low resets it to channel A, gain 128 ("Reset and Power-Down"). */
    public synchronized void powerUp() throws SensorException {
        setClock(false);
        poweredDown = false;
        selected = Gain.A_128;
    }

    private void reset() throws SensorException {
        powerDown();
        powerUp();
    }

    /** One read of 24 bits plus the pulses that select {@code next} for the next conversion. */
    private int shiftIn(Gain next) throws SensorException {
        awaitReady();
        timing.pause(T1_NANOS);
        int bits = 0;
        for (int pulse = 1; pulse <= next.pulses(); pulse++) {
            long rose = timing.nanoTime();
            setClock(true);
            timing.pause(T3_NANOS);
            boolean high = dataHigh();
            setClock(false);
            long highNanos = timing.nanoTime() - rose;
            if (highNanos > T3_MAX_NANOS) {
                throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                        "HX711 %s: PD_SCK stayed high %.1f µs at pulse %d (at most 50 µs allowed); the chip may have"
                                + " powered down, the reading is discarded", where(), highNanos / 1000.0, pulse));
            }
            timing.pause(T4_NANOS);
            if (pulse <= 24) {
                bits = bits << 1 | (high ? 1 : 0);
            } else if (!high) {
                throw lowAfterData("the " + pulse + "th PD_SCK pulse");
            }
        }
        if (!dataHigh()) {
            throw lowAfterData("the read");
        }
        int value = bits << 8 >> 8; // sign-extend the 24-bit two's complement value
        if (value == SATURATED_MIN || value == SATURATED_MAX) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "HX711 %s: saturated at 0x%06X (input beyond the %s full-scale range); check the load cell"
                            + " wiring and the load", where(), bits, next));
        }
        return value;
    }

    private SensorException lowAfterData(String when) {
        return new SensorException(Kind.BUS_ERROR, "HX711 " + where() + ": DOUT low after " + when
                + " (the 25th pulse must pull it high); the data line is floating or disturbed");
    }

    private void awaitReady() throws SensorException {
        long interval = polling.interval().toNanos();
        for (int attempt = 1; attempt <= polling.attempts(); attempt++) {
            if (!dataHigh()) {
                return;
            }
            timing.pause(interval);
        }
        throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                "HX711 %s: no conversion ready, DOUT stayed high for %d polls over %d ms; the chip is unplugged,"
                        + " unpowered or stuck", where(), polling.attempts(), polling.budget().toMillis()));
    }

    private boolean dataHigh() throws SensorException {
        try {
            return data.state() == DigitalState.HIGH;
        } catch (Pi4JException e) {
            throw new SensorException(Kind.BUS_ERROR, "HX711 " + where() + ": cannot read DOUT: " + e.getMessage(),
                    e);
        }
    }

    private void setClock(boolean high) throws SensorException {
        try {
            clock.state(high ? DigitalState.HIGH : DigitalState.LOW);
        } catch (Pi4JException e) {
            throw new SensorException(Kind.BUS_ERROR, "HX711 " + where() + ": cannot drive PD_SCK: " + e.getMessage(),
                    e);
        }
    }

    private String where() {
        return String.format(Locale.ROOT, "(PD_SCK GPIO %d, DOUT GPIO %d)", clock.bcm(), data.bcm());
    }
}

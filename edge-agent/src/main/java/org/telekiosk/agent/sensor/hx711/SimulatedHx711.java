package org.telekiosk.agent.sensor.hx711;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import org.telekiosk.agent.sensor.simulation.GpioDeviceModel;

/**
 * A simulated HX711 on two GPIO lines, reacting to PD_SCK edges as the datasheet says; attach it to a
 * {@link org.telekiosk.agent.sensor.simulation.SimulatedHardware} with {@code attachGpio(chip, pdSck, dout)}, and
 * give the driver {@link #timing()}: the chip's own simulated time, which advances only when the driver pauses (or a
 * test calls {@link #advance}).
 *
 * <ul>
 *   <li>Conversions ("Output Data Rate and Format"): one every 100 ms at 10 SPS (12.5 ms at 80 SPS); the first valid
 *       one 400 ms (50 ms) after power-on, a reset or a change of channel or gain (output settling time). DOUT is high
 *       until a conversion is ready, then low.</li>
 *   <li>Read ("Serial Interface", Fig. 2): each PD_SCK rising edge 1..24 puts the next bit on DOUT, MSB first, of the
 *       24-bit two's complement result (saturated at 0x800000 / 0x7FFFFF); edge 25 pulls DOUT high. The pulse count,
 *       25/26/27, selects channel A gain 128 / channel B gain 32 / channel A gain 64 for the next conversion
 *       (Table 3). Pulses while no data is ready are ignored.</li>
 *   <li>Serial communication error: fewer than 25 pulses within one conversion period, or more than 27. The datasheet
 *       only says to avoid it; this model then holds DOUT high until a power-down resets it.</li>
 *   <li>Power-down ("Reset and Power-Down"): PD_SCK high for longer than 60 µs; DOUT is then held high. PD_SCK low
 *       again resets the chip to channel A, gain 128.</li>
 *   <li>Plugging in ({@link #pluggedIn()}) is a power-on reset.</li>
 * </ul>
 *
 * <p>Faults: {@link #setStuckNotReady} (DOUT stuck high), {@link #garbleNextReads} (DOUT noise instead of bits for
 * whole reads), {@link #stallHostAtPulse} (the host is pre-empted with PD_SCK high), and unplugging through
 * {@code SimulatedHardware.detachGpio}. Thread-safe.
 */
public final class SimulatedHx711 implements GpioDeviceModel {

    /** The chip's data rate, set by its RATE pin ("Output Data Rate and Format"). */
    public enum Rate {
        /** RATE low: 10 SPS, 400 ms settling. */
        SPS_10(100_000_000L, 400_000_000L),
        /** RATE high: 80 SPS, 50 ms settling. */
        SPS_80(12_500_000L, 50_000_000L);

        final long periodNanos;
        final long settlingNanos;

        Rate(long periodNanos, long settlingNanos) {
            this.periodNanos = periodNanos;
            this.settlingNanos = settlingNanos;
        }
    }

    private static final long POWER_DOWN_AFTER_NANOS = 60_000;

    private final int pdSck;
    private final int dout;
    private final Rate rate;
    private final LoadCell loadCell;
    private final Random noise;
    private final Random garbage;
    private final SimulatedPinTiming time = new SimulatedPinTiming();

    private double kilograms;
    private double channelBCounts;
    private boolean stuckNotReady;
    private int garbledReads;
    private int stallPulse;
    private long stallNanos;

    private Gain converting = Gain.A_128;
    private long readyAt;
    private boolean ready;
    private int pulses;
    private long readStartedAt;
    private int word;
    private boolean garbling;
    private boolean clockHigh;
    private long roseAt;
    private boolean poweredDown;
    private boolean commError;

    /**
     * @param pdSck    BCM number of the line wired to PD_SCK
     * @param dout     BCM number of the line wired to DOUT
     * @param rate     the RATE pin's setting
     * @param loadCell the bridge on channel A
     */
    public SimulatedHx711(int pdSck, int dout, Rate rate, LoadCell loadCell) {
        this.pdSck = pdSck;
        this.dout = dout;
        this.rate = Objects.requireNonNull(rate, "rate");
        this.loadCell = Objects.requireNonNull(loadCell, "loadCell");
        this.noise = new Random(loadCell.seed());
        this.garbage = new Random(~loadCell.seed());
        resetAt(0);
    }

    /** The chip's simulated time, for the driver's {@link PinTiming}. */
    public PinTiming timing() {
        return time;
    }

    /** Lets {@code duration} of simulated time pass, as between two readings of the agent. */
    public void advance(Duration duration) {
        time.pause(duration.toNanos());
    }

    /** Puts {@code kg} on the load cell. */
    public synchronized void setLoad(double kg) {
        if (!Double.isFinite(kg)) {
            throw new IllegalArgumentException("load must be finite, was " + kg);
        }
        kilograms = kg;
    }

    /** Sets channel B's input, in counts at gain 32 (e.g. a battery divider). */
    public synchronized void setChannelB(double counts) {
        channelBCounts = counts;
    }

    /** With {@code stuck}, DOUT stays high whatever happens: the chip never reports data ready. */
    public synchronized void setStuckNotReady(boolean stuck) {
        stuckNotReady = stuck;
    }

    /** The next {@code reads} reads see noise on DOUT instead of the bits, for all their pulses. */
    public synchronized void garbleNextReads(int reads) {
        garbledReads += reads;
    }

    /** At the {@code pulse}-th rising edge of the next read, the host is pre-empted for {@code nanos} ns. */
    public synchronized void stallHostAtPulse(int pulse, long nanos) {
        stallPulse = pulse;
        stallNanos = nanos;
    }

    /** Whether the chip is in power-down now. */
    public synchronized boolean poweredDown() {
        update();
        return poweredDown;
    }

    /** The channel and gain of the conversion under way. */
    public synchronized Gain converting() {
        return converting;
    }

    @Override
    public synchronized void pluggedIn() {
        resetAt(time.nanoTime());
        clockHigh = false;
    }

    @Override
    public synchronized void lineDriven(int bcm, boolean high) {
        if (bcm != pdSck) {
            return;
        }
        update();
        if (high) {
            clockHigh = true;
            roseAt = time.nanoTime();
            risingEdge();
        } else {
            clockHigh = false;
            if (poweredDown) {
                resetAt(time.nanoTime());
            } else {
                fallingEdge();
            }
        }
    }

    @Override
    public synchronized Drive lineLevel(int bcm) {
        if (bcm != dout) {
            return Drive.RELEASED;
        }
        update();
        if (stuckNotReady || poweredDown || commError) {
            return Drive.HIGH;
        }
        if (pulses == 0) {
            return ready ? Drive.LOW : Drive.HIGH;
        }
        if (garbling) {
            return garbage.nextBoolean() ? Drive.HIGH : Drive.LOW;
        }
        if (pulses > 24) {
            return Drive.HIGH;
        }
        return (word >>> (24 - pulses) & 1) != 0 ? Drive.HIGH : Drive.LOW;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "simulated HX711 (PD_SCK GPIO %d, DOUT GPIO %d)", pdSck, dout);
    }

    private void risingEdge() {
        if (poweredDown || commError || stuckNotReady) {
            return;
        }
        if (pulses == 0) {
            if (!ready) {
                return;
            }
            ready = false;
            readyAt = Long.MAX_VALUE; // the next conversion's timing is set when the pulse count is known
            readStartedAt = time.nanoTime();
            word = convert() & 0xFFFFFF;
            garbling = garbledReads > 0;
            if (garbling) {
                garbledReads--;
            }
        }
        pulses++;
        if (pulses > 27) {
            commError = true;
        }
        if (pulses == stallPulse) {
            stallPulse = 0;
            time.pause(stallNanos);
        }
    }

    private void fallingEdge() {
        if (commError || pulses < 25) {
            return;
        }
        Gain next = Gain.selectedBy(pulses).orElseThrow();
        long now = time.nanoTime();
        readyAt = now + (next == converting ? rate.periodNanos : rate.settlingNanos);
        converting = next;
    }

    /** Catches up with the time that passed since the last event. */
    private void update() {
        long now = time.nanoTime();
        if (clockHigh && !poweredDown && now - roseAt > POWER_DOWN_AFTER_NANOS) {
            poweredDown = true;
        }
        if (poweredDown || commError) {
            return;
        }
        if (pulses > 0 && pulses < 25 && now - readStartedAt > rate.periodNanos) {
            commError = true;
        } else if ((pulses == 0 || pulses >= 25) && !ready && now >= readyAt) {
            ready = true;
            pulses = 0;
        }
    }

    private void resetAt(long now) {
        poweredDown = false;
        commError = false;
        converting = Gain.A_128;
        pulses = 0;
        ready = false;
        readyAt = now + rate.settlingNanos;
    }

    /** The 24-bit result of the conversion under way, saturated as the datasheet says. */
    private int convert() {
        double counts = converting.channelA()
                ? loadCell.countsAt(kilograms) * converting.factor() / 128.0
                : channelBCounts;
        counts += noise.nextGaussian() * loadCell.noiseCounts();
        return (int) Math.clamp(Math.round(counts), -0x800000L, 0x7FFFFFL);
    }
}

package org.telekiosk.agent.sensor.simulation;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which simulated chip is wired to which GPIO line (BCM number), and the level the Pi drives on each of its outputs.
 * Chips may be attached and detached while contexts are running (a sensor unplugged at a kiosk): every pin access
 * looks its chip up afresh. A line with nothing attached, or whose chip releases it, reads as the Pi's pull resistor
 * makes it (see {@link #level}).
 */
public final class SimulatedGpio {

    /** The Pi 5's header exposes BCM 0..27. */
    static final int MAX_BCM = 27;

    private final Map<Integer, GpioDeviceModel> wiring = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> driven = new ConcurrentHashMap<>();

    /**
     * Wires {@code chip} to the lines {@code bcm}, then tells it it has been plugged in; it sees from then on every
     * change the Pi makes on those lines.
     *
     * @throws IllegalArgumentException if no line is named or one is out of range
     * @throws IllegalStateException    if another chip is wired to one of the lines; nothing is attached then
     */
    public synchronized void attach(GpioDeviceModel chip, int... bcm) {
        Objects.requireNonNull(chip, "chip");
        if (bcm.length == 0) {
            throw new IllegalArgumentException("a chip must be wired to at least one GPIO line");
        }
        for (int line : bcm) {
            GpioDeviceModel other = wiring.get(checked(line));
            if (other != null) {
                throw new IllegalStateException("GPIO " + line + " is already wired to " + other);
            }
        }
        for (int line : bcm) {
            wiring.put(line, chip);
        }
        chip.pluggedIn();
    }

    /** Unwires whatever chip is on the lines {@code bcm}: from then on they float to the Pi's pull level. */
    public synchronized void detach(int... bcm) {
        for (int line : bcm) {
            wiring.remove(checked(line));
        }
    }

    /** The Pi drives output {@code bcm} to {@code high}; the chip wired there sees it if the level changed. */
    void drive(int bcm, boolean high) {
        Boolean previous = driven.put(bcm, high);
        GpioDeviceModel chip = wiring.get(bcm);
        if (chip != null && (previous == null || previous != high)) {
            chip.lineDriven(bcm, high);
        }
    }

    /**
     * The level the Pi reads on input {@code bcm}: what the wired chip drives, else what the pull resistor gives.
     * A floating line without a pull reads low here; on a real Pi it reads whatever it picks up, which is why
     * drivers configure a pull on lines that can float.
     */
    boolean level(int bcm, Pull pull) {
        GpioDeviceModel chip = wiring.get(bcm);
        GpioDeviceModel.Drive drive = chip == null ? GpioDeviceModel.Drive.RELEASED : chip.lineLevel(bcm);
        return switch (drive) {
            case LOW -> false;
            case HIGH -> true;
            case RELEASED -> pull == Pull.UP;
        };
    }

    /** The pull resistor of a Pi input, as Pi4J's {@code PullResistance} configures it. */
    enum Pull { UP, DOWN, NONE }

    static int checked(int bcm) {
        if (bcm < 0 || bcm > MAX_BCM) {
            throw new IllegalArgumentException("GPIO line must be a BCM number 0.." + MAX_BCM + ", was " + bcm);
        }
        return bcm;
    }
}

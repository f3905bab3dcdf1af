package org.telekiosk.agent.sensor.simulation;

/**
 * A simulated chip wired to GPIO lines of the Pi, seen at the level of line levels: the chip sees every change of a
 * line the Pi drives (one of the Pi's outputs, an input of the chip) and answers, at any moment, what it drives on a
 * line the Pi reads. A chip that reacts to clock edges, such as the HX711's PD_SCK, does so in
 * {@link #lineDriven}: it is called once per change of level, never for a write that leaves the level as it was.
 *
 * <p>Lines are named by their BCM GPIO number, as Pi4J 4 names them. Implementations must be thread-safe.
 */
public interface GpioDeviceModel {

    /** What a chip does with a line the Pi reads. */
    enum Drive {
        /** The chip pulls the line low. */
        LOW,
        /** The chip drives the line high. */
        HIGH,
        /** The chip does not drive the line (high impedance, or unpowered): the Pi's pull resistor decides. */
        RELEASED
    }

    /**
     * The Pi changed the level of line {@code bcm}, one of the Pi's outputs wired to this chip.
     *
     * @param high the new level
     */
    void lineDriven(int bcm, boolean high);

    /** What this chip does with line {@code bcm}, one of the Pi's inputs wired to it, at this moment. */
    Drive lineLevel(int bcm);

    /**
     * The chip was just plugged in (or in again): a chip powered through its connector starts as after power-on.
     * Called by {@link SimulatedGpio#attach} before any other call; the default does nothing.
     */
    default void pluggedIn() {}
}

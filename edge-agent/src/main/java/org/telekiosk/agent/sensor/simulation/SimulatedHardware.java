package org.telekiosk.agent.sensor.simulation;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;

/**
 * The simulated kiosk's hardware: which chips are attached where, and Pi4J contexts that reach them. Drivers get
 * their {@code I2C}, {@code DigitalInput} and {@code DigitalOutput} from such a context exactly as they would on a Pi,
 * so the driver code under test is the code that runs on the kiosk.
 *
 * <pre>{@code
 * SimulatedHardware hardware = new SimulatedHardware()
 *         .attachI2C(1, 0x5A, thermometer)
 *         .attachGpio(scale, 6, 5);   // HX711: PD_SCK on BCM 6, DOUT on BCM 5
 * Context pi4j = hardware.newContext();
 * }</pre>
 *
 * <p>No auto-detection: no Pi4J plugin on the classpath is loaded, so a stray {@code pi4j-plugin-mock} 3.x (which
 * breaks Pi4J 4 contexts) or a real provider can never take the simulated buses' place.
 */
public final class SimulatedHardware {

    private final SimulatedI2CBuses i2c = new SimulatedI2CBuses();
    private final SimulatedGpio gpio = new SimulatedGpio();

    /**
     * Attaches {@code chip} at {@code address} on I2C {@code bus}; see {@link SimulatedI2CBuses#attach}.
     *
     * @return this, to attach several chips in one expression
     */
    public SimulatedHardware attachI2C(int bus, int address, I2CDeviceModel chip) {
        i2c.attach(bus, address, chip);
        return this;
    }

    /** Unplugs the chip at {@code address} on I2C {@code bus}: from then on its transfers fail as NACKs. */
    public void detachI2C(int bus, int address) {
        i2c.detach(bus, address);
    }

    /**
     * Wires {@code chip} to the GPIO lines {@code bcm} (BCM numbers) and plugs it in; see {@link SimulatedGpio#attach}.
     *
     * @return this, to attach several chips in one expression
     */
    public SimulatedHardware attachGpio(GpioDeviceModel chip, int... bcm) {
        gpio.attach(chip, bcm);
        return this;
    }

    /** Unplugs whatever chip is wired to the GPIO lines {@code bcm}: from then on they read as their pull makes them. */
    public void detachGpio(int... bcm) {
        gpio.detach(bcm);
    }

    /**
     * A new Pi4J context whose I2C and digital input/output providers reaches the attached chips. The caller owns it and ends it with
     * {@link Context#shutdown()}; contexts are independent, the chips are shared.
     */
    public Context newContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new SimulatedI2CProvider(i2c),
                        new SimulatedDigitalInputProvider(gpio),
                        new SimulatedDigitalOutputProvider(gpio))
                .build();
    }
}

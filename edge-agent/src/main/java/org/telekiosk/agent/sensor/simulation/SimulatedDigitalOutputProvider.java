package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProviderBase;

/**
 * Pi4J 4 digital-output provider for simulated chips: every output it creates drives a line of a
 * {@link SimulatedGpio}. One instance serves one Pi4J context.
 */
public final class SimulatedDigitalOutputProvider extends DigitalOutputProviderBase {

    /** The provider id, as Pi4J lists it in {@code context.providers()}. */
    public static final String ID = "telekiosk-simulated-digital-output";

    private final SimulatedGpio gpio;

    public SimulatedDigitalOutputProvider(SimulatedGpio gpio) {
        super(ID, "Telekiosk simulated digital output");
        this.gpio = gpio;
    }

    @Override
    public DigitalOutput create(DigitalOutputConfig config) {
        SimulatedDigitalOutput output = new SimulatedDigitalOutput(this, config, gpio);
        // As with I2C, providers register what they create; the registry initialises it (initial state) and
        // shuts it down with the context (shutdown state).
        context.registry().add(output);
        return output;
    }
}

package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProviderBase;

/**
 * Pi4J 4 digital-input provider for simulated chips: every input it creates reads a line of a {@link SimulatedGpio}.
 * One instance serves one Pi4J context.
 */
public final class SimulatedDigitalInputProvider extends DigitalInputProviderBase {

    /** The provider id, as Pi4J lists it in {@code context.providers()}. */
    public static final String ID = "telekiosk-simulated-digital-input";

    private final SimulatedGpio gpio;

    public SimulatedDigitalInputProvider(SimulatedGpio gpio) {
        super(ID, "Telekiosk simulated digital input");
        this.gpio = gpio;
    }

    @Override
    public DigitalInput create(DigitalInputConfig config) {
        SimulatedDigitalInput input = new SimulatedDigitalInput(this, config, gpio);
        context.registry().add(input);
        return input;
    }
}

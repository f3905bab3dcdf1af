package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.exception.IOException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputBase;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;

/**
 * A Pi4J {@link DigitalOutput} whose level reaches the chip wired to its line. {@link DigitalOutputBase} keeps the
 * state and notifies Pi4J listeners; this class passes each level on to the wiring, which tells the chip of changes.
 */
final class SimulatedDigitalOutput extends DigitalOutputBase {

    private final SimulatedGpio gpio;
    private final int bcm;

    SimulatedDigitalOutput(DigitalOutputProvider provider, DigitalOutputConfig config, SimulatedGpio gpio) {
        super(provider, config);
        this.gpio = gpio;
        this.bcm = SimulatedGpio.checked(config.bcm());
    }

    @Override
    public DigitalOutput state(DigitalState state) throws IOException {
        if (state != DigitalState.HIGH && state != DigitalState.LOW) {
            throw new IOException("GPIO " + bcm + " can only be driven HIGH or LOW, not " + state);
        }
        super.state(state);
        gpio.drive(bcm, state == DigitalState.HIGH);
        return this;
    }
}

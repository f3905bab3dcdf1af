package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.gpio.digital.DigitalInputBase;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;

/**
 * A Pi4J {@link com.pi4j.io.gpio.digital.DigitalInput} that reads the level the wired chip drives, or the configured
 * pull resistor's level where the chip releases the line or nothing is wired. It is read on demand: level changes
 * caused by the chip raise no Pi4J events (no edge detection is simulated).
 */
final class SimulatedDigitalInput extends DigitalInputBase {

    private final SimulatedGpio gpio;
    private final int bcm;
    private final SimulatedGpio.Pull pull;

    SimulatedDigitalInput(DigitalInputProvider provider, DigitalInputConfig config, SimulatedGpio gpio) {
        super(provider, config);
        this.gpio = gpio;
        this.bcm = SimulatedGpio.checked(config.bcm());
        PullResistance resistance = config.pull();
        this.pull = resistance == PullResistance.PULL_UP ? SimulatedGpio.Pull.UP
                : resistance == PullResistance.PULL_DOWN ? SimulatedGpio.Pull.DOWN
                : SimulatedGpio.Pull.NONE;
    }

    @Override
    public DigitalState state() {
        return gpio.level(bcm, pull) ? DigitalState.HIGH : DigitalState.LOW;
    }
}

package org.telekiosk.agent.sensor.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedGpioTest {

    /** Records the edges it sees on any line and drives line 5 as told. */
    private static final class EdgeRecorder implements GpioDeviceModel {
        final List<String> events = new ArrayList<>();
        volatile Drive drive = Drive.LOW;

        @Override
        public synchronized void lineDriven(int bcm, boolean high) {
            events.add(bcm + (high ? " high" : " low"));
        }

        @Override
        public Drive lineLevel(int bcm) {
            return bcm == 5 ? drive : Drive.RELEASED;
        }

        @Override
        public synchronized void pluggedIn() {
            events.add("plugged in");
        }
    }

    private final EdgeRecorder chip = new EdgeRecorder();
    private final SimulatedHardware hardware = new SimulatedHardware().attachGpio(chip, 6, 5);
    private final Context pi4j = hardware.newContext();

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    private DigitalOutput output(int bcm) {
        return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).bcm(bcm).initial(DigitalState.LOW).build());
    }

    private DigitalInput input(int bcm, PullResistance pull) {
        return pi4j.create(DigitalInput.newConfigBuilder(pi4j).bcm(bcm).pull(pull).build());
    }

    @Test
    void theContextUsesTheSimulatedProvidersForDigitalInputAndOutput() {
        assertInstanceOf(SimulatedDigitalOutputProvider.class, pi4j.provider(IOType.DIGITAL_OUTPUT));
        assertInstanceOf(SimulatedDigitalInputProvider.class, pi4j.provider(IOType.DIGITAL_INPUT));
    }

    @Test
    void theChipSeesEachChangeOfLevelOnceAndNoWriteThatLeavesTheLevelAsItWas() {
        DigitalOutput clock = output(6);
        clock.high();
        clock.high();
        clock.low();
        clock.low();
        clock.high();
        assertEquals(List.of("plugged in", "6 low", "6 high", "6 low", "6 high"), chip.events);
    }

    @Test
    void anInputReadsWhatTheChipDrives() {
        DigitalInput data = input(5, PullResistance.PULL_UP);
        assertEquals(DigitalState.LOW, data.state());
        chip.drive = GpioDeviceModel.Drive.HIGH;
        assertEquals(DigitalState.HIGH, data.state());
    }

    @Test
    void aReleasedLineReadsAsItsPullResistorMakesIt() {
        chip.drive = GpioDeviceModel.Drive.RELEASED;
        assertEquals(DigitalState.HIGH, input(5, PullResistance.PULL_UP).state());
        Context other = hardware.newContext();
        try {
            DigitalInput pulledDown = other.create(DigitalInput.newConfigBuilder(other).bcm(5)
                    .pull(PullResistance.PULL_DOWN).build());
            assertEquals(DigitalState.LOW, pulledDown.state());
        } finally {
            other.shutdown();
        }
    }

    @Test
    void anUnpluggedChipNeitherSeesEdgesNorDrivesItsLines() {
        DigitalOutput clock = output(6);
        DigitalInput data = input(5, PullResistance.PULL_UP);
        hardware.detachGpio(6, 5);
        clock.high();
        assertEquals(DigitalState.HIGH, data.state());
        assertEquals(List.of("plugged in", "6 low"), chip.events);
        hardware.attachGpio(chip, 6, 5);
        assertEquals(DigitalState.LOW, data.state());
        assertEquals("plugged in", chip.events.getLast());
    }

    @Test
    void twoChipsCannotShareALine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> hardware.attachGpio(new EdgeRecorder(), 7, 5));
        assertTrue(e.getMessage().contains("GPIO 5"), e.getMessage());
        hardware.attachGpio(new EdgeRecorder(), 7); // nothing of the refused attachment stayed behind
    }

    @Test
    void linesBeyondTheHeaderAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> hardware.attachGpio(new EdgeRecorder(), 28));
    }
}

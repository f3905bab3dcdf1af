package org.telekiosk.agent.sensor.ads1115;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;

/** The register model at the level of bus transfers, without Pi4J. */
class SimulatedAds1115Test {

    private final SimulatedAds1115 chip = new SimulatedAds1115(0x48, AnalogInputs.constant(1.0, 0.25, 0, 0));

    private byte[] read(int pointer) throws NotAcknowledgedException {
        return chip.writeRead(0x48, new byte[] {(byte) pointer}, 2);
    }

    @Test
    void atPowerOnTheRegistersHoldTheirResetValuesAndTheChipIsIdle() throws NotAcknowledgedException {
        assertArrayEquals(new byte[] {0x00, 0x00}, read(0));
        assertArrayEquals(new byte[] {(byte) 0x85, (byte) 0x83}, read(1));
        assertArrayEquals(new byte[] {(byte) 0x80, 0x00}, read(2));
        assertArrayEquals(new byte[] {0x7F, (byte) 0xFF}, read(3));
    }

    @Test
    void aSingleShotConversionEndsOnePeriodAfterOsIsWritten() throws NotAcknowledgedException {
        // OS=1, AIN0-AIN1, ±2.048 V, single-shot, 128 SPS: 0.75 V = 12000 codes, done after 7.8125 ms
        chip.write(0x48, new byte[] {1, (byte) 0x85, (byte) 0x83});
        assertArrayEquals(new byte[] {0x05, (byte) 0x83}, read(1), "OS reads 0 while converting");
        chip.advance(Duration.ofNanos(7_812_499));
        assertArrayEquals(new byte[] {0x00, 0x00}, read(0));
        chip.advance(Duration.ofNanos(1));
        assertArrayEquals(new byte[] {0x2E, (byte) 0xE0}, read(0));
        assertArrayEquals(new byte[] {(byte) 0x85, (byte) 0x83}, read(1), "idle again");
    }

    @Test
    void aPlainReadReturnsTheRegisterTheLastPointerWriteSelected() throws NotAcknowledgedException {
        chip.write(0x48, new byte[] {3});
        assertArrayEquals(new byte[] {0x7F, (byte) 0xFF}, chip.read(0x48, 2));
    }

    @Test
    void pointerBytesWithReservedBitsAndOtherAddressesAreNotAcknowledged() {
        assertThrows(NotAcknowledgedException.class, () -> chip.write(0x48, new byte[] {4}));
        assertThrows(NotAcknowledgedException.class, () -> chip.write(0x49, new byte[] {0}));
    }
}

package org.telekiosk.agent.sensor.max30102;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pi4j.context.Context;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.simulation.I2CDeviceModel;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

class Max30102Test {

    /** A chip whose registers read as set and never change: for answers a MAX30102 should not give. */
    private static final class FixedRegisters implements I2CDeviceModel {
        final int[] registers = new int[256];

        @Override
        public void write(int address, byte[] data) {
        }

        @Override
        public byte[] read(int address, int length) {
            return new byte[length];
        }

        @Override
        public byte[] writeRead(int address, byte[] written, int length) {
            int register = written[0] & 0xFF;
            byte[] answer = new byte[length];
            for (int i = 0; i < length; i++) {
                answer[i] = (byte) registers[register == Max30102.FIFO_DATA ? register : (register + i) & 0xFF];
            }
            return answer;
        }
    }

    private final FixedRegisters chip = new FixedRegisters();
    private final Context pi4j = new SimulatedHardware().attachI2C(1, 0x57, chip).newContext();
    private final Max30102 driver = Max30102.open(pi4j, 1, 0x57);

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    @ParameterizedTest(name = "write {0}, read {1}, overflow {2}: {3} samples")
    @CsvSource({"0, 0, 0, 0", "5, 0, 0, 5", "31, 0, 0, 31", "2, 30, 0, 4", "0, 31, 0, 1", "7, 7, 0, 0",
        "7, 7, 1, 32", "7, 7, 31, 32"})
    void samplesWaitingFollowFromThePointersWithWrapAround(int write, int read, int overflow, int expected) {
        assertEquals(expected, Max30102.available(write, read, overflow));
    }

    @ParameterizedTest(name = "TINT {0}, TFRAC {1}: {2} °C")
    @CsvSource({"25, 0, 25.0", "36, 9, 36.5625", "-6, 12, -5.25", "-128, 0, -128.0", "0, 15, 0.9375"})
    void theDieTemperatureIsTheSignedIntegerPlusSixteenths(int integer, int fraction, double celsius) {
        assertEquals(celsius, Max30102.dieCelsius((byte) integer, (byte) fraction), 0.0);
    }

    @Test
    void aChipWithAnotherPartIdIsRefused() {
        chip.registers[0xFF] = 0x11; // a MAX30100
        SensorException e = assertThrows(SensorException.class, () -> driver.initialise(Max30102Config.DEFAULT));
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("the chip at I2C bus 1 address 0x57 is not a MAX30102/MAX30101: PART_ID (0xFF) reads 0x11,"
                + " expected 0x15", e.getMessage());
    }

    @Test
    void aResetThatNeverFinishesIsADeviceError() {
        chip.registers[0xFF] = 0x15;
        chip.registers[Max30102.MODE_CONFIG] = 0x40;
        SensorException e = assertThrows(SensorException.class, () -> driver.initialise(Max30102Config.DEFAULT));
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("the MAX30102 at I2C bus 1 address 0x57 did not finish its reset: MODE_CONFIG bit 6 still set"
                + " after 10 reads", e.getMessage());
    }

    @Test
    void fifoDataIsDecodedRedThenIrFromThreeBytesEach() throws SensorException {
        chip.registers[0xFF] = 0x15;
        chip.registers[Max30102.FIFO_WR_PTR] = 1;
        Arrays.fill(chip.registers, Max30102.FIFO_DATA, Max30102.FIFO_DATA + 1, 0x02);
        driver.initialise(Max30102Config.DEFAULT);
        // FIFO_DATA reads 0x02 for every byte: 0x020202 per channel
        FifoRead read = driver.readFifo();
        assertEquals(1, read.samples().size());
        assertEquals(new PpgSample(0x020202, 0x020202), read.samples().getFirst());
    }

    @Test
    void bitsBelowTheResolutionSetAreACorruptedTransfer() throws SensorException {
        chip.registers[0xFF] = 0x15;
        chip.registers[Max30102.FIFO_WR_PTR] = 1;
        chip.registers[Max30102.FIFO_DATA] = 0x01;
        driver.initialise(new Max30102Config(Max30102Config.SampleRate.SPS_100, Max30102Config.PulseWidth.US_215,
                Max30102Config.AdcRange.NA_4096, Max30102Config.SampleAveraging.AVERAGE_1, false, 0, 0x24, 0x24));
        SensorException e = assertThrows(SensorException.class, driver::readFifo);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertEquals("corrupted answer from the MAX30102 at I2C bus 1 address 0x57: FIFO data 0x10101 has bits below"
                + " the 17-bit resolution set", e.getMessage());
    }
}

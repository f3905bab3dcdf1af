package org.telekiosk.agent.sensor.mlx90614;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614.Fault;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;

/** The simulated chip at the level of SMBus transfers, without Pi4J. */
class SimulatedMlx90614Test {

    private final SimulatedMlx90614 chip = new SimulatedMlx90614(28.01, 25.01);

    private byte[] readWord(int address, int command) throws NotAcknowledgedException {
        return chip.writeRead(address, new byte[] {(byte) command}, 3);
    }

    private int word(int address, int command) throws NotAcknowledgedException {
        byte[] answer = readWord(address, command);
        return (answer[1] & 0xFF) << 8 | answer[0] & 0xFF;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void aReadWordAnswersLsbMsbAndPec() throws NotAcknowledgedException {
        assertArrayEquals(bytes(0xD2, 0x3A, 0x30), readWord(0x5A, 0x07));
    }

    @Test
    void itAlsoAnswersAtAddressZeroWithThePecOfThatAddress() throws NotAcknowledgedException {
        assertArrayEquals(bytes(0xD2, 0x3A, SmbusPec.of(0x00, 0x07, 0x01, 0xD2, 0x3A)), readWord(0x00, 0x07));
    }

    @Test
    void otherAddressesAreNotAcknowledged() {
        assertThrows(NotAcknowledgedException.class, () -> readWord(0x5B, 0x07));
    }

    @Test
    void ramHoldsAmbientAndObjectTemperaturesAsTheDatasheetMapsThem() throws NotAcknowledgedException {
        assertEquals(0x3A3C, word(0x5A, 0x06)); // 298.16 K
        assertEquals(0x3AD2, word(0x5A, 0x07));
        assertEquals(0x3AD2, word(0x5A, 0x08));
        assertEquals(0x0000, word(0x5A, 0x1F));
    }

    @Test
    void objectTemperaturesSaturateAtTheChipsSweep() throws NotAcknowledgedException {
        chip.setObjectTemperature(500);
        assertEquals(0x7FFF, word(0x5A, 0x07));
        chip.setObjectTemperature(-100);
        assertEquals(0x27AD, word(0x5A, 0x07));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, -273.16})
    void impossibleTemperaturesAreRefused(double celsius) {
        assertThrows(IllegalArgumentException.class, () -> chip.setObjectTemperature(celsius));
        assertThrows(IllegalArgumentException.class, () -> chip.setAmbientTemperature(celsius));
    }

    @Test
    void eepromHoldsEmissivityAddressAndIdNumber() throws NotAcknowledgedException {
        assertEquals(0xFFFF, word(0x5A, 0x24));
        assertEquals(0x5A, word(0x5A, 0x2E) & 0xFF);
        assertEquals(0x544B, word(0x5A, 0x3C));
        assertEquals(0x5349, word(0x5A, 0x3D));
    }

    @Test
    void readFlagsSaysInitialisationIsDone() throws NotAcknowledgedException {
        assertEquals(0x0010, word(0x5A, 0xF0));
    }

    @Test
    void readingPastThePecGivesThePullUps() throws NotAcknowledgedException {
        assertArrayEquals(bytes(0xD2, 0x3A, 0x30, 0xFF), chip.writeRead(0x5A, bytes(0x07), 4));
    }

    @Test
    void emissivityIsWrittenByEraseThenWriteWithCorrectPecs() throws NotAcknowledgedException {
        chip.write(0x5A, writeWord(0x24, 0x0000));
        chip.write(0x5A, writeWord(0x24, 0xF332)); // ε = 0.95
        assertEquals(0xF332, word(0x5A, 0x24));
    }

    @Test
    void aWriteWithoutEraseDoesNotTake() throws NotAcknowledgedException {
        chip.write(0x5A, writeWord(0x24, 0xF332));
        assertEquals(0xFFFF, word(0x5A, 0x24));
    }

    @Test
    void aWriteToACellThatIsNotWritableChangesNothing() throws NotAcknowledgedException {
        chip.write(0x5A, writeWord(0x3C, 0x0000));
        assertEquals(0x544B, word(0x5A, 0x3C));
    }

    @Test
    void aWriteWithAWrongPecIsNotAcknowledged() throws NotAcknowledgedException {
        byte[] write = writeWord(0x24, 0x0000);
        write[3] ^= 1;
        assertThrows(NotAcknowledgedException.class, () -> chip.write(0x5A, write));
        assertEquals(0xFFFF, word(0x5A, 0x24));
    }

    @Test
    void transfersTheDatasheetDoesNotDefineAreNotAcknowledged() {
        assertThrows(NotAcknowledgedException.class, () -> chip.read(0x5A, 2));
        assertThrows(NotAcknowledgedException.class, () -> chip.write(0x5A, bytes(0x07)));
        assertThrows(NotAcknowledgedException.class, () -> chip.writeRead(0x5A, bytes(0x07, 0x00), 3));
        assertThrows(NotAcknowledgedException.class, () -> readWord(0x5A, 0x40));
    }

    @Test
    void anAddressProbeIsAcknowledged() throws NotAcknowledgedException {
        chip.write(0x5A, new byte[0]);
    }

    @Test
    void faultsApplyToOneReadEachInOrderThenTheChipRecovers() throws NotAcknowledgedException {
        chip.failNextRead(Fault.WRONG_PEC);
        chip.failNextRead(Fault.ERROR_FLAG);
        chip.failNextRead(Fault.GARBAGE);
        chip.failNextRead(Fault.NACK);
        assertArrayEquals(bytes(0xD2, 0x3A, 0x31), readWord(0x5A, 0x07));
        assertArrayEquals(bytes(0xD2, 0xBA, SmbusPec.of(0xB4, 0x07, 0xB5, 0xD2, 0xBA)), readWord(0x5A, 0x07));
        assertArrayEquals(bytes(0xFF, 0xFF, 0xFF), readWord(0x5A, 0x07));
        assertThrows(NotAcknowledgedException.class, () -> readWord(0x5A, 0x07));
        assertArrayEquals(bytes(0xD2, 0x3A, 0x30), readWord(0x5A, 0x07));
    }

    private static byte[] writeWord(int command, int word) {
        int lsb = word & 0xFF;
        int msb = word >>> 8;
        return bytes(command, lsb, msb, SmbusPec.of(0xB4, command, lsb, msb));
    }
}

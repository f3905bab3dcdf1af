package org.telekiosk.agent.sensor.mlx90614;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmbusPecTest {

    @Test
    void theApplicationNotesEraseOfTheSmbusAddressCellHasPec0x6F() {
        // SMBus application note, "An erasing of the EEPROM address 0x0E": SA 0x00 + Wr, command 0x2E, 0x00, 0x00.
        assertEquals(0x6F, SmbusPec.of(0x00, 0x2E, 0x00, 0x00));
    }

    @Test
    void theApplicationNotesWriteOfAddress0x5AHasPec0xE1() {
        // SMBus application note, "A writing of 0x5A in EEPROM address 0x0E": SA 0x00 + Wr, 0x2E, 0x5A, 0x00.
        assertEquals(0xE1, SmbusPec.of(0x00, 0x2E, 0x5A, 0x00));
    }

    @Test
    void aReadWordCoversBothAddressBytesTheCommandAndTheData() {
        // Worked example: Tobj1 read at 0x5A answering 0x3AD2 (28.01 °C): B4 07 B5 D2 3A -> PEC 0x30.
        assertEquals(0x30, SmbusPec.of(0xB4, 0x07, 0xB5, 0xD2, 0x3A));
    }

    @Test
    void aSingleOneBitYieldsThePolynomial() {
        assertEquals(0x07, SmbusPec.of(0x01));
    }

    @Test
    void nothingHasPecZero() {
        assertEquals(0x00, SmbusPec.of());
    }

    @Test
    void onlyTheLowEightBitsOfEachValueCount() {
        assertEquals(SmbusPec.of(0xB4, 0x07, 0xB5, 0xD2, 0x3A), SmbusPec.of(0x1B4, -0xF9, 0xB5, (byte) 0xD2, 0x3A));
    }
}

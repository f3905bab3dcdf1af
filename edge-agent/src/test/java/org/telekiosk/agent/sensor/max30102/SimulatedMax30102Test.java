package org.telekiosk.agent.sensor.max30102;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;

/** The register model at the level of bus transfers, without Pi4J. */
class SimulatedMax30102Test {

    private final SimulatedMax30102 chip = new SimulatedMax30102(PpgSource.constant(100.03, 200.07));

    private byte[] read(int register, int length) throws NotAcknowledgedException {
        return chip.writeRead(0x57, new byte[] {(byte) register}, length);
    }

    private void write(int... bytes) throws NotAcknowledgedException {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        chip.write(0x57, data);
    }

    @Test
    void atPowerOnOnlyPwrRdyRevisionAndPartIdAreSetAndReadingStatusClearsIt() throws NotAcknowledgedException {
        assertArrayEquals(new byte[] {SimulatedMax30102.REVISION, 0x15}, read(0xFE, 2));
        assertArrayEquals(new byte[] {0x01, 0x00}, read(0x00, 2));
        assertArrayEquals(new byte[] {0x00, 0x00}, read(0x00, 2));
    }

    @Test
    void onlyItsOwnAddressIsAcknowledged() {
        assertThrows(NotAcknowledgedException.class, () -> chip.writeRead(0x58, new byte[] {0x00}, 1));
    }

    @Test
    void heartRateModeStoresRedOnlyThreeBytesPerSample() throws NotAcknowledgedException {
        write(0x0A, 0x23); // 4096 nA, 50/s, 411 µs
        write(0x0C, 0x32, 0x32); // LED1 and LED2 at 10 mA, one burst
        write(0x09, 0x02);
        chip.advance(Duration.ofMillis(40));
        assertArrayEquals(new byte[] {2, 0, 0}, read(0x04, 3), "FIFO_WR_PTR 2, OVF_COUNTER 0, FIFO_RD_PTR 0");
        assertArrayEquals(new byte[] {0x00, (byte) 0xFA, 0x13, 0x00, (byte) 0xFA, 0x13}, read(0x07, 6));
        assertArrayEquals(new byte[] {2, 0, 2}, read(0x04, 3));
    }

    @Test
    void shutdownStopsConversions() throws NotAcknowledgedException {
        write(0x0A, 0x23);
        write(0x09, 0x83);
        chip.advance(Duration.ofSeconds(1));
        assertArrayEquals(new byte[] {0, 0, 0}, read(0x04, 3));
    }

    @Test
    void aFifoPointerWrittenBackRereadsASample() throws NotAcknowledgedException {
        write(0x0A, 0x23);
        write(0x0C, 0x32, 0x32);
        write(0x09, 0x03);
        chip.advance(Duration.ofMillis(20));
        byte[] first = read(0x07, 6);
        write(0x06, 0x00);
        assertArrayEquals(first, read(0x07, 6));
    }

    @Test
    void aResetClearsConfigurationAndFifoAndTheResetBitReadsZero() throws NotAcknowledgedException {
        write(0x0A, 0x23);
        write(0x09, 0x03);
        chip.advance(Duration.ofMillis(100));
        write(0x09, 0x40);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0}, read(0x04, 7), "pointers, FIFO config, mode");
        assertEquals(0, read(0x0A, 1)[0]);
    }
}

package org.telekiosk.agent.sensor.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.exception.Pi4JException;
import com.pi4j.io.i2c.I2C;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;

class SimulatedI2CProviderTest {

    private final RecordingChip chip = new RecordingChip();
    private final SimulatedHardware hardware = new SimulatedHardware().attachI2C(1, 0x40, chip);
    private final Context pi4j = hardware.newContext();

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    private I2C open(int bus, int address) {
        return pi4j.create(I2C.newConfigBuilder(pi4j).bus(bus).device(address).build());
    }

    @Test
    void theContextUsesTheSimulatedProviderForI2C() {
        assertInstanceOf(SimulatedI2CProvider.class, pi4j.provider(com.pi4j.io.IOType.I2C));
    }

    @Test
    void aRegisterReadIsOneWriteAndReadJoinedByARepeatedStart() {
        byte[] buffer = new byte[5];
        int count = open(1, 0x40).readRegister(0x07, buffer, 1, 3);
        assertEquals(3, count);
        assertArrayEquals(new byte[] {0, (byte) 0xA0, (byte) 0xA1, (byte) 0xA2, 0}, buffer);
        assertEquals(List.of("40 write 07, read 3"), chip.transfers);
    }

    @Test
    void everyKindOfPi4jCallReachesTheChipAsTheTransferItMakesOnTheWire() {
        I2C i2c = open(1, 0x40);
        i2c.write((byte) 0x01);
        i2c.write(new byte[] {0x09, 0x02, 0x03, 0x09}, 1, 2);
        i2c.read();
        i2c.read(new byte[2], 0, 2);
        i2c.readRegister(0x10);
        i2c.readRegister(new byte[] {0x12, 0x34}, new byte[1], 0, 1);
        i2c.writeRegister(0x20, (byte) 0x55);
        i2c.writeRegister(0x21, new byte[] {0x01, 0x02}, 0, 2);
        i2c.writeRegister(new byte[] {0x22, 0x23}, new byte[] {0x03}, 0, 1);
        i2c.writeThenRead(new byte[] {0x30}, 0, 1, 0, new byte[2], 0, 2);
        assertEquals(List.of(
                "40 write 01",
                "40 write 02 03",
                "40 read 1",
                "40 read 2",
                "40 write 10, read 1",
                "40 write 12 34, read 1",
                "40 write 20 55",
                "40 write 21 01 02",
                "40 write 22 23 03",
                "40 write 30, read 2"), chip.transfers);
    }

    @Test
    void anAddressWithNothingAttachedFailsAsANackDoesOnLinux() {
        I2C nobody = open(1, 0x41);
        Pi4JException e = assertThrows(Pi4JException.class, () -> nobody.readRegister(0x00, new byte[2], 0, 2));
        String root = SensorException.rootMessage(e);
        assertTrue(root.contains("address 0x41 not acknowledged"), root);
        assertTrue(root.contains("Remote I/O error (121)"), root);
        assertTrue(root.contains("I2C bus 1"), root);
    }

    @Test
    void theSameAddressOnAnotherBusIsAnotherSlot() {
        assertThrows(Pi4JException.class, () -> open(2, 0x40).read());
        assertTrue(chip.transfers.isEmpty());
    }

    @Test
    void aDetachedChipStopsAnswering() {
        I2C i2c = open(1, 0x40);
        i2c.read();
        hardware.detachI2C(1, 0x40);
        assertThrows(Pi4JException.class, i2c::read);
        assertEquals(1, chip.transfers.size());
    }

    @Test
    void aClosedDeviceRefusesTransfers() {
        I2C i2c = open(1, 0x40);
        i2c.close();
        Pi4JException e = assertThrows(Pi4JException.class, i2c::read);
        assertTrue(SensorException.rootMessage(e).contains("closed"), SensorException.rootMessage(e));
    }

    @Test
    void pi4jRefusesASecondDeviceForTheSameBusAndAddressInOneContext() {
        open(1, 0x40);
        assertThrows(Pi4JException.class, () -> open(1, 0x40));
    }

    @Test
    void twoChipsCannotShareAnAddress() {
        assertThrows(IllegalStateException.class, () -> hardware.attachI2C(1, 0x40, new RecordingChip()));
    }

    @Test
    void addressesBeyondSevenBitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> hardware.attachI2C(1, 0x80, new RecordingChip()));
    }

    @Test
    void contextsAreIndependentButShareTheChips() {
        Context other = hardware.newContext();
        try {
            other.create(I2C.newConfigBuilder(other).bus(1).device(0x40).build()).read();
            open(1, 0x40).read();
            assertEquals(List.of("40 read 1", "40 read 1"), chip.transfers);
        } finally {
            other.shutdown();
        }
    }
}

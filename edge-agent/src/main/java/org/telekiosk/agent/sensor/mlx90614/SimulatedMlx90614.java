package org.telekiosk.agent.sensor.mlx90614;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.telekiosk.agent.sensor.simulation.I2CDeviceModel;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

/**
 * A simulated MLX90614 on SMBus, answering as the datasheet says; attach it to a
 * {@link SimulatedHardware} at its address.
 *
 * <ul>
 *   <li>Addresses (datasheet §8.4.1, SMBus application note): it acknowledges its own SMBus address (factory 0x5A)
 *       and 0x00, which every MLX90614 answers; nothing else.</li>
 *   <li>Read word (datasheet §8.4.3.1.1): command, repeated start, then data byte low, data byte high and the PEC,
 *       a CRC-8 over {@code SA<<1, command, SA<<1|1, LSB, MSB} (datasheet §8.4.3.1). A controller reading further
 *       gets 0xFF, the pull-ups, because the chip has stopped driving SDA.</li>
 *   <li>Commands (datasheet §8.4.6): {@code 000x xxxx} RAM, {@code 001x xxxx} EEPROM, {@code 0xF0} read flags.</li>
 *   <li>RAM (datasheet §8.3.4): 0x06 T<sub>A</sub>, 0x07 T<sub>OBJ1</sub>, 0x08 T<sub>OBJ2</sub>, 0.02 K per LSB,
 *       bit 15 the error flag. This is a single-zone part, so T<sub>OBJ2</sub> repeats T<sub>OBJ1</sub>. Object words
 *       are held within 0x27AD..0x7FFF (-70.01..+382.19 °C), the sweep the datasheet gives in §8.4.6. Reserved and
 *       raw-IR addresses read 0x0000.</li>
 *   <li>EEPROM (datasheet §8.3.3): 0x24 emissivity (0xFFFF, ε = 1.0), 0x2E SMBus address in the low byte,
 *       0x3C..0x3F ID number; other cells read 0x0000. Write word (datasheet §8.4.3.1.2) with a correct PEC changes
 *       only the nine writable cells (datasheet §8.4.1), and only as erase (0x0000) followed by write (datasheet
 *       §8.4.6); a wrong PEC is not acknowledged (datasheet §8.4.3.1). A new SMBus address is not taken up: the
 *       chip would need a power cycle, which is not simulated.</li>
 * </ul>
 *
 * <p>Transfers the datasheet does not define (byte commands, plain reads, writes to RAM, unknown opcodes; datasheet
 * §8.4.2) are refused with a NACK, so that a driver relying on them fails in simulation rather than at a kiosk. No
 * timing is simulated (no EEPROM write time, no power-on delay).
 *
 * <p>Thread-safe: tests and the agent may change temperatures and inject faults while a reader is running.
 */
public final class SimulatedMlx90614 implements I2CDeviceModel {

    /** A fault for one read word, see {@link #failNextRead(Fault)}. */
    public enum Fault {
        /** The answer's PEC has one bit flipped, as a disturbed transfer would leave it. */
        WRONG_PEC,
        /** The temperature word has its error flag, bit 15, set (with a PEC that matches). */
        ERROR_FLAG,
        /** The chip does not acknowledge its address, as when it is unplugged or resetting. */
        NACK,
        /** The chip lets go of SDA mid-transfer: the controller reads 0xFF, 0xFF, 0xFF from the pull-ups. */
        GARBAGE
    }

    private static final int GENERAL_ADDRESS = 0x00;
    private static final int EEPROM_ACCESS = 0x20;
    private static final int READ_FLAGS = 0xF0;
    private static final int RAM_TA = 0x06;
    private static final int RAM_TOBJ1 = 0x07;
    private static final int RAM_TOBJ2 = 0x08;
    private static final int EEPROM_EMISSIVITY = 0x04;
    private static final int EEPROM_SMBUS_ADDRESS = 0x0E;
    private static final int EEPROM_ID = 0x1C;
    /** EEPROM cells writable over SMBus (datasheet §8.4.1), relative to the EEPROM. */
    private static final Set<Integer> WRITABLE_CELLS = Set.of(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0E, 0x0F, 0x19);
    /** Read flags (datasheet §8.4.6): only INIT (bit 4, low active) set, i.e. power-on initialisation is done. */
    private static final int FLAGS_READY = 0x0010;
    private static final int TOBJ_MIN_WORD = 0x27AD;
    private static final int TEMPERATURE_MAX_WORD = 0x7FFF;
    private static final int[] ID_NUMBER = {0x544B, 0x5349, 0x4D30, 0x0001};

    private final int address;
    private final int[] eeprom = new int[32];
    private final Deque<Fault> faults = new ArrayDeque<>();
    private int objectWord;
    private int ambientWord;

    /** A chip at the factory address 0x5A; see {@link #SimulatedMlx90614(int, double, double)}. */
    public SimulatedMlx90614(double objectCelsius, double ambientCelsius) {
        this(Mlx90614.DEFAULT_ADDRESS, objectCelsius, ambientCelsius);
    }

    /**
     * @param address        the SMBus address in its EEPROM, 0x01..0x7F
     * @param objectCelsius  what the chip is aimed at, see {@link #setObjectTemperature}
     * @param ambientCelsius the chip's own temperature, see {@link #setAmbientTemperature}
     */
    public SimulatedMlx90614(int address, double objectCelsius, double ambientCelsius) {
        if (address < 0x01 || address > 0x7F) {
            throw new IllegalArgumentException("MLX90614 SMBus address must be 0x01..0x7F, was " + address);
        }
        this.address = address;
        eeprom[EEPROM_EMISSIVITY] = 0xFFFF;
        eeprom[EEPROM_SMBUS_ADDRESS] = address;
        System.arraycopy(ID_NUMBER, 0, eeprom, EEPROM_ID, ID_NUMBER.length);
        setObjectTemperature(objectCelsius);
        setAmbientTemperature(ambientCelsius);
    }

    /**
     * Sets the object temperature to the nearest 0.02 K step; beyond the chip's sweep it saturates at -70.01 °C or
     * +382.19 °C as the real chip's output does.
     *
     * @throws IllegalArgumentException if not a finite temperature at or above absolute zero
     */
    public synchronized void setObjectTemperature(double celsius) {
        objectWord = toWord("object temperature", celsius, TOBJ_MIN_WORD);
    }

    /**
     * Sets the chip's own temperature to the nearest 0.02 K step, at most +382.19 °C.
     *
     * @throws IllegalArgumentException if not a finite temperature at or above absolute zero
     */
    public synchronized void setAmbientTemperature(double celsius) {
        ambientWord = toWord("ambient temperature", celsius, 0);
    }

    /** Makes the next read word fail with {@code fault}; faults queue up, one per read, then the chip recovers. */
    public synchronized void failNextRead(Fault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
    }

    @Override
    public synchronized void write(int calledAddress, byte[] data) throws NotAcknowledgedException {
        acknowledge(calledAddress);
        if (data.length == 0) {
            return; // an address probe, as i2cdetect makes: acknowledged, nothing happens
        }
        int command = data[0] & 0xFF;
        if ((command & 0xE0) != EEPROM_ACCESS || data.length != 4) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT,
                    "command 0x%02X in a %d-byte write (only write word to EEPROM is supported)", command,
                    data.length));
        }
        int lsb = data[1] & 0xFF;
        int msb = data[2] & 0xFF;
        int pec = data[3] & 0xFF;
        if (pec != SmbusPec.of(calledAddress << 1, command, lsb, msb)) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "PEC 0x%02X", pec));
        }
        writeEeprom(command & 0x1F, msb << 8 | lsb);
    }

    @Override
    public synchronized byte[] read(int calledAddress, int length) throws NotAcknowledgedException {
        acknowledge(calledAddress);
        throw new NotAcknowledgedException("read without a command (receive byte is not supported)");
    }

    @Override
    public synchronized byte[] writeRead(int calledAddress, byte[] written, int length)
            throws NotAcknowledgedException {
        acknowledge(calledAddress);
        if (written.length != 1) {
            throw new NotAcknowledgedException("byte 2 of a read word's command");
        }
        int command = written[0] & 0xFF;
        int word = wordAt(command);
        Fault fault = faults.poll();
        if (fault == Fault.NACK) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", calledAddress));
        }
        if (fault == Fault.ERROR_FLAG) {
            word |= 0x8000;
        }
        int lsb = word & 0xFF;
        int msb = word >>> 8;
        int pec = SmbusPec.of(calledAddress << 1, command, calledAddress << 1 | 1, lsb, msb);
        if (fault == Fault.WRONG_PEC) {
            pec ^= 0x01;
        }
        byte[] answer = new byte[length];
        Arrays.fill(answer, (byte) 0xFF);
        if (fault != Fault.GARBAGE) {
            byte[] sent = {(byte) lsb, (byte) msb, (byte) pec};
            System.arraycopy(sent, 0, answer, 0, Math.min(length, sent.length));
        }
        return answer;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "simulated MLX90614 at SMBus address 0x%02X", address);
    }

    private void acknowledge(int calledAddress) throws NotAcknowledgedException {
        if (calledAddress != address && calledAddress != GENERAL_ADDRESS) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", calledAddress));
        }
    }

    private int wordAt(int command) throws NotAcknowledgedException {
        if (command == READ_FLAGS) {
            return FLAGS_READY;
        }
        if ((command & 0xE0) == EEPROM_ACCESS) {
            return eeprom[command & 0x1F];
        }
        if ((command & 0xE0) != 0) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "command 0x%02X", command));
        }
        return switch (command) {
            case RAM_TA -> ambientWord;
            case RAM_TOBJ1, RAM_TOBJ2 -> objectWord;
            default -> 0x0000;
        };
    }

    private void writeEeprom(int cell, int value) {
        if (!WRITABLE_CELLS.contains(cell)) {
            return; // "An attempt to write not accessible EEPROM cell results in no change" (SMBus application note)
        }
        if (value == 0 || eeprom[cell] == 0) {
            eeprom[cell] = value;
        }
        // Writing over a cell that was not erased: the datasheet only demands the erase; the model keeps the old
        // value, so a driver that skips the erase sees its write not take.
    }

    private static int toWord(String what, double celsius, int minWord) {
        if (!Double.isFinite(celsius) || celsius < -273.15) {
            throw new IllegalArgumentException(what + " must be a finite temperature of at least -273.15 °C, was "
                    + celsius);
        }
        long word = Math.round((celsius + 273.15) * 50);
        return Math.clamp(word, minWord, TEMPERATURE_MAX_WORD);
    }
}

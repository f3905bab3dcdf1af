package org.telekiosk.agent.sensor.max30102;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.simulation.I2CDeviceModel;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;

/**
 * A simulated MAX30102 at I2C address 0x57, at register level; attach it to a
 * {@link org.telekiosk.agent.sensor.simulation.SimulatedHardware}.
 *
 * <ul>
 *   <li>Registers (datasheet Table 1): power-on values 0x00 except INT status 1 PWR_RDY, REV_ID ({@link #REVISION})
 *       and PART_ID 0x15. Burst reads and writes auto-increment the register address, except FIFO_DATA (0x07), which
 *       streams the FIFO ({@link SimulatedFifo}). Reading an interrupt status register clears it.</li>
 *   <li>MODE_CONFIG (0x09): RESET (bit 6) restores the power-on state at once and reads back 0; SHDN (bit 7)
 *       stops conversions; MODE 010 (heart rate: red only, 3 bytes per sample) and 011 (SpO2: red then IR, 6 bytes)
 *       convert. Multi-LED mode (111) is not modelled and converts nothing.</li>
 *   <li>Conversions happen at SPO2_SR per second of simulated time; SMP_AVE of them are averaged into one FIFO sample,
 *       which is then truncated to the resolution LED_PW allows, left-justified in 18 bits. The photocurrent is the
 *       {@link PpgSource}'s transfer times the LEDx_PA current (0.2 mA per step); the ADC maps
 *       0..SPO2_ADC_RGE nA to 0..2^18-1.</li>
 *   <li>TEMP_EN (0x21) starts a die temperature conversion that ends 29 ms later (datasheet, "Temperature Sensor
 *       ... conversion time"), filling TINT/TFRAC, clearing TEMP_EN and setting DIE_TEMP_RDY.</li>
 * </ul>
 *
 * <p>Time passes only through {@link #advance}: no wall clock, no threads. Faults: {@link #failNextRead} (NACK,
 * garbage from a released SDA); FIFO overflow happens by itself when nobody reads in time; unplugging is
 * {@code SimulatedHardware.detachI2C}, and {@link #powerCycle} gives the state a re-plugged chip starts in.
 *
 * <p>Thread-safe.
 */
public final class SimulatedMax30102 implements I2CDeviceModel {

    /** REV_ID this model reports; real parts vary and drivers must accept any. */
    public static final int REVISION = 0x03;

    /** A fault for one read transfer, see {@link #failNextRead}. */
    public enum Fault {
        /** No fault: queued first, it aims the next fault at a later transfer. */
        NONE,
        /** The chip does not acknowledge its address. */
        NACK,
        /** The chip lets go of SDA: every byte read is 0xFF from the pull-ups. */
        GARBAGE
    }

    /** One register written over the bus, in the order the chip saw them. */
    public record RegisterWrite(int register, int value) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "0x%02X<-0x%02X", register, value);
        }
    }

    private static final int INT_STATUS_1 = 0x00;
    private static final int INT_STATUS_2 = 0x01;
    private static final int OVF_COUNTER = 0x05;
    private static final int FIFO_RD_PTR = 0x06;
    private static final int TEMP_FRACTION = 0x20;
    private static final int PART_ID_REGISTER = 0xFF;
    private static final int PWR_RDY = 0x01;
    private static final int PPG_RDY = 0x40;
    private static final int A_FULL = 0x80;
    private static final int DIE_TEMP_RDY = 0x02;
    private static final long TEMPERATURE_CONVERSION_NANOS = 29_000_000;

    private final int[] registers = new int[256];
    private final SimulatedFifo fifo = new SimulatedFifo();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<RegisterWrite> writes = new ArrayList<>();
    private PpgSource source;
    private double dieCelsius = 31.0;
    private int pointer;
    private long nowNanos;
    private long conversionsStartNanos;
    private long conversionIndex;
    private final SimulatedPpgAdc adc = new SimulatedPpgAdc();
    private long temperatureReadyNanos = -1;

    /** A chip, just powered, looking at {@code source}. */
    public SimulatedMax30102(PpgSource source) {
        this.source = Objects.requireNonNull(source, "source");
        powerOnReset();
    }

    /** Puts something else in front of the sensor. */
    public synchronized void setSource(PpgSource newSource) {
        source = Objects.requireNonNull(newSource, "newSource");
    }

    /** Sets the die temperature the next TEMP_EN conversion measures, to the nearest 1/16 °C. */
    public synchronized void setDieTemperature(double celsius) {
        if (!(celsius >= -40 && celsius <= 85)) {
            throw new IllegalArgumentException("die temperature must be -40..85 °C (operating range), was " + celsius);
        }
        dieCelsius = celsius;
    }

    /** Makes the next read transfer fail with {@code fault}; faults queue up, one per transfer. */
    public synchronized void failNextRead(Fault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
    }

    /** Power lost and restored, as when the sensor is unplugged and plugged back in: every register at reset. */
    public synchronized void powerCycle() {
        powerOnReset();
    }

    /** Lets {@code duration} of simulated time pass: conversions fill the FIFO, a temperature conversion ends. */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time cannot run backwards: " + duration);
        }
        long until = nowNanos + duration.toNanos();
        if (temperatureReadyNanos >= 0 && temperatureReadyNanos <= until) {
            finishTemperature();
        }
        int rate = sampleRate();
        while (isConverting()) {
            long next = conversionsStartNanos + (conversionIndex + 1) * 1_000_000_000L / rate;
            if (next > until) {
                break;
            }
            conversionIndex++;
            convert(next);
        }
        nowNanos = until;
    }

    /** Every register write seen since power-on or the last {@link #clearRegisterWrites}. */
    public synchronized List<RegisterWrite> registerWrites() {
        return List.copyOf(writes);
    }

    public synchronized void clearRegisterWrites() {
        writes.clear();
    }

    @Override
    public synchronized void write(int address, byte[] data) throws NotAcknowledgedException {
        acknowledge(address);
        if (data.length == 0) {
            return;
        }
        pointer = data[0] & 0xFF;
        for (int i = 1; i < data.length; i++) {
            writeRegister(pointer, data[i] & 0xFF);
            pointer = pointer == Max30102.FIFO_DATA ? pointer : (pointer + 1) & 0xFF;
        }
    }

    @Override
    public synchronized byte[] read(int address, int length) throws NotAcknowledgedException {
        acknowledge(address);
        return burstRead(address, length);
    }

    @Override
    public synchronized byte[] writeRead(int address, byte[] written, int length) throws NotAcknowledgedException {
        write(address, written);
        return burstRead(address, length);
    }

    @Override
    public String toString() {
        return "simulated MAX30102 at I2C address 0x57";
    }

    private byte[] burstRead(int address, int length) throws NotAcknowledgedException {
        Fault fault = faults.poll();
        if (fault == Fault.NACK) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", address));
        }
        byte[] answer = new byte[length];
        if (fault == Fault.GARBAGE) {
            Arrays.fill(answer, (byte) 0xFF);
            return answer;
        }
        for (int i = 0; i < length; i++) {
            answer[i] = (byte) readRegister(pointer);
            pointer = pointer == Max30102.FIFO_DATA ? pointer : (pointer + 1) & 0xFF;
        }
        fifo.endTransfer();
        return answer;
    }

    private int readRegister(int register) {
        return switch (register) {
            case INT_STATUS_1, INT_STATUS_2 -> {
                int flags = registers[register];
                registers[register] = 0;
                yield flags;
            }
            case Max30102.FIFO_WR_PTR -> fifo.writePointer();
            case OVF_COUNTER -> fifo.overflowCounter();
            case FIFO_RD_PTR -> fifo.readPointer();
            case Max30102.FIFO_DATA -> fifo.nextByte();
            default -> registers[register];
        };
    }

    private void writeRegister(int register, int value) {
        writes.add(new RegisterWrite(register, value));
        switch (register) {
            case INT_STATUS_1, INT_STATUS_2, Max30102.TEMP_INTEGER, TEMP_FRACTION, Max30102.REV_ID,
                    PART_ID_REGISTER -> { } // read-only
            case Max30102.FIFO_WR_PTR -> fifo.setWritePointer(value);
            case OVF_COUNTER -> fifo.setOverflowCounter(value);
            case FIFO_RD_PTR -> fifo.setReadPointer(value);
            case Max30102.MODE_CONFIG -> writeMode(value);
            case Max30102.TEMP_CONFIG -> {
                if ((value & 0x01) != 0 && temperatureReadyNanos < 0) {
                    registers[register] = 0x01;
                    temperatureReadyNanos = nowNanos + TEMPERATURE_CONVERSION_NANOS;
                }
            }
            default -> registers[register] = value;
        }
        if (register == Max30102.SPO2_CONFIG || register == Max30102.FIFO_CONFIG) {
            restartConversions();
        }
    }

    private void writeMode(int value) {
        if ((value & Max30102.MODE_RESET) != 0) {
            powerOnReset();
            registers[INT_STATUS_1] = 0; // a soft reset does not signal power-up again
            return;
        }
        registers[Max30102.MODE_CONFIG] = value & 0x87;
        restartConversions();
    }

    private void powerOnReset() {
        Arrays.fill(registers, 0);
        registers[INT_STATUS_1] = PWR_RDY;
        registers[Max30102.REV_ID] = REVISION;
        registers[PART_ID_REGISTER] = Max30102.PART_ID;
        fifo.clear();
        temperatureReadyNanos = -1;
        restartConversions();
    }

    private void restartConversions() {
        conversionsStartNanos = nowNanos;
        conversionIndex = 0;
        adc.restart();
    }

    private void convert(long atNanos) {
        int fifoConfig = registers[Max30102.FIFO_CONFIG];
        byte[] sample = adc.convert(source.at(atNanos / 1e9), registers[Max30102.SPO2_CONFIG], fifoConfig,
                registers[Max30102.LED1_PA], registers[Max30102.LED2_PA], mode() == Max30102.MODE_SPO2);
        if (sample == null) {
            return;
        }
        fifo.push(sample, (fifoConfig & 0x10) != 0);
        registers[INT_STATUS_1] |= PPG_RDY;
        if (fifo.count() >= SimulatedFifo.DEPTH - (fifoConfig & 0x0F)) {
            registers[INT_STATUS_1] |= A_FULL;
        }
    }

    private int mode() {
        return registers[Max30102.MODE_CONFIG] & 0x07;
    }

    private boolean isConverting() {
        boolean shutdown = (registers[Max30102.MODE_CONFIG] & 0x80) != 0;
        return !shutdown && (mode() == 0x02 || mode() == Max30102.MODE_SPO2);
    }

    private int sampleRate() {
        return Max30102Config.SampleRate.values()[registers[Max30102.SPO2_CONFIG] >> 2 & 0x07].perSecond();
    }

    private void finishTemperature() {
        double celsius = Math.round(dieCelsius * 16) / 16.0;
        int integer = (int) Math.floor(celsius);
        registers[Max30102.TEMP_INTEGER] = integer & 0xFF;
        registers[TEMP_FRACTION] = (int) Math.round((celsius - integer) * 16) & 0x0F;
        registers[Max30102.TEMP_CONFIG] = 0;
        registers[INT_STATUS_2] |= DIE_TEMP_RDY;
        temperatureReadyNanos = -1;
    }

    private void acknowledge(int address) throws NotAcknowledgedException {
        if (address != Max30102.DEFAULT_ADDRESS) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", address));
        }
    }
}

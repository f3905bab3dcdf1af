package org.telekiosk.agent.sensor.ads1115;

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
 * A simulated ADS1115 at register level; attach it to a {@link org.telekiosk.agent.sensor.simulation.SimulatedHardware}
 * at its address (0x48..0x4B by its ADDR pin).
 *
 * <ul>
 *   <li>Address pointer (datasheet §9.6.1): a one-byte write sets it; a three-byte write sets it and writes the
 *       register MSB first. Pointer bits 7:2 must be 0; a pointer byte with them set is not acknowledged here (the
 *       datasheet does not say what the chip does). The Conversion register is read-only; writes to it are ignored.
 *       A read returns the pointed register MSB first; bytes past the second are 0xFF (SDA released).</li>
 *   <li>Power-on values (datasheet §9.6): Conversion 0000h, Config 8583h, Lo_thresh 8000h, Hi_thresh 7FFFh.</li>
 *   <li>Conversions (datasheet §9.4): in continuous mode (MODE = 0) one every 1/DR s of simulated time after the Config
 *       write; in single-shot mode, writing OS = 1 starts one, done 1/DR s later. OS reads 0 while a single-shot
 *       conversion runs or continuous mode is on, 1 when idle. The input is MUX's pair from {@link AnalogInputs},
 *       quantised to FS/2^15 and clipped to 8000h..7FFFh (datasheet §9.3.3); single-ended results below 0 read 0.</li>
 * </ul>
 *
 * <p>Time passes only through {@link #advance}. Faults: {@link #failNextRead} (NACK, garbage); unplugging is
 * {@code SimulatedHardware.detachI2C}, and {@link #powerCycle} gives the state a re-plugged chip starts in. The
 * comparator and the ALERT/RDY pin are not modelled. Thread-safe.
 */
public final class SimulatedAds1115 implements I2CDeviceModel {

    /** A fault for one read transfer, see {@link #failNextRead}. */
    public enum Fault {
        /** The chip does not acknowledge its address. */
        NACK,
        /** The chip lets go of SDA: both bytes read 0xFF. */
        GARBAGE
    }

    private static final int LO_THRESH = 0x02;
    private static final int HI_THRESH = 0x03;
    private static final int MODE_SINGLE_SHOT = 0x0100;
    private static final int OS = 0x8000;

    private final int address;
    private final int[] registers = new int[4];
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Integer> configWrites = new ArrayList<>();
    private AnalogInputs inputs;
    private int pointer;
    private long nowNanos;
    private long conversionsStartNanos;
    private long conversionIndex;
    private long singleShotDoneNanos = -1;

    /** A chip at {@code address}, just powered, its inputs at {@code inputs}. */
    public SimulatedAds1115(int address, AnalogInputs inputs) {
        if (address < 0x48 || address > 0x4B) {
            throw new IllegalArgumentException("ADS1115 addresses are 0x48..0x4B (datasheet Table 4), was " + address);
        }
        this.address = address;
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        powerCycle();
    }

    /** Connects other signals to the inputs. */
    public synchronized void setInputs(AnalogInputs newInputs) {
        inputs = Objects.requireNonNull(newInputs, "newInputs");
    }

    /** Makes the next read transfer fail with {@code fault}; faults queue up, one per transfer. */
    public synchronized void failNextRead(Fault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
    }

    /** Power lost and restored, as when the board is unplugged and plugged back in: registers at their reset values. */
    public synchronized void powerCycle() {
        registers[Ads1115.CONVERSION] = 0x0000;
        registers[Ads1115.CONFIG] = Ads1115Config.RESET_VALUE;
        registers[LO_THRESH] = 0x8000;
        registers[HI_THRESH] = 0x7FFF;
        pointer = 0;
        singleShotDoneNanos = -1;
        restartConversions();
    }

    /** Every Config register value written since power-up, or since {@link #clearConfigWrites}. */
    public synchronized List<Integer> configWrites() {
        return List.copyOf(configWrites);
    }

    public synchronized void clearConfigWrites() {
        configWrites.clear();
    }

    /** Lets {@code duration} of simulated time pass, converting as the configuration says. */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time cannot run backwards: " + duration);
        }
        long until = nowNanos + duration.toNanos();
        if (singleShotDoneNanos >= 0 && singleShotDoneNanos <= until) {
            registers[Ads1115.CONVERSION] = convert(singleShotDoneNanos);
            singleShotDoneNanos = -1;
        }
        while (!singleShot()) {
            long next = conversionsStartNanos + (conversionIndex + 1) * 1_000_000_000L / dataRate();
            if (next > until) {
                break;
            }
            conversionIndex++;
            registers[Ads1115.CONVERSION] = convert(next);
        }
        nowNanos = until;
    }

    @Override
    public synchronized void write(int calledAddress, byte[] data) throws NotAcknowledgedException {
        acknowledge(calledAddress);
        if (data.length == 0) {
            return;
        }
        if ((data[0] & 0xFC) != 0) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "pointer byte 0x%02X", data[0] & 0xFF));
        }
        pointer = data[0] & 0x03;
        if (data.length == 1) {
            return;
        }
        if (data.length != 3) {
            throw new NotAcknowledgedException("byte " + (data.length + 1) + " of a register write");
        }
        int value = (data[1] & 0xFF) << 8 | data[2] & 0xFF;
        switch (pointer) {
            case Ads1115.CONVERSION -> { } // read-only
            case Ads1115.CONFIG -> writeConfig(value);
            default -> registers[pointer] = value;
        }
    }

    @Override
    public synchronized byte[] read(int calledAddress, int length) throws NotAcknowledgedException {
        acknowledge(calledAddress);
        return readPointed(calledAddress, length);
    }

    @Override
    public synchronized byte[] writeRead(int calledAddress, byte[] written, int length)
            throws NotAcknowledgedException {
        write(calledAddress, written);
        return readPointed(calledAddress, length);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "simulated ADS1115 at I2C address 0x%02X", address);
    }

    private byte[] readPointed(int calledAddress, int length) throws NotAcknowledgedException {
        Fault fault = faults.poll();
        if (fault == Fault.NACK) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", calledAddress));
        }
        byte[] answer = new byte[length];
        Arrays.fill(answer, (byte) 0xFF);
        if (fault != Fault.GARBAGE) {
            int value = pointer == Ads1115.CONFIG ? configAsRead() : registers[pointer];
            byte[] sent = {(byte) (value >> 8), (byte) value};
            System.arraycopy(sent, 0, answer, 0, Math.min(length, 2));
        }
        return answer;
    }

    private int configAsRead() {
        boolean busy = !singleShot() || singleShotDoneNanos >= 0;
        return registers[Ads1115.CONFIG] & ~OS | (busy ? 0 : OS);
    }

    private void writeConfig(int value) {
        configWrites.add(value);
        registers[Ads1115.CONFIG] = value & ~OS;
        if (singleShot() && (value & OS) != 0 && singleShotDoneNanos < 0) {
            singleShotDoneNanos = nowNanos + 1_000_000_000L / dataRate();
        }
        restartConversions();
    }

    private void restartConversions() {
        conversionsStartNanos = nowNanos;
        conversionIndex = 0;
    }

    private boolean singleShot() {
        return (registers[Ads1115.CONFIG] & MODE_SINGLE_SHOT) != 0;
    }

    private int dataRate() {
        return Ads1115Config.DataRate.values()[registers[Ads1115.CONFIG] >> 5 & 0x07].perSecond();
    }

    private int convert(long atNanos) {
        int config = registers[Ads1115.CONFIG];
        Ads1115Config.Input input = Ads1115Config.Input.values()[config >> 12 & 0x07];
        Ads1115Config.Range range = Ads1115Config.Range.values()[Math.min(config >> 9 & 0x07, 5)];
        double seconds = atNanos / 1e9;
        double volts = switch (input) {
            case AIN0_AIN1 -> inputs.volts(0, seconds) - inputs.volts(1, seconds);
            case AIN0_AIN3 -> inputs.volts(0, seconds) - inputs.volts(3, seconds);
            case AIN1_AIN3 -> inputs.volts(1, seconds) - inputs.volts(3, seconds);
            case AIN2_AIN3 -> inputs.volts(2, seconds) - inputs.volts(3, seconds);
            case AIN0_GND -> inputs.volts(0, seconds);
            case AIN1_GND -> inputs.volts(1, seconds);
            case AIN2_GND -> inputs.volts(2, seconds);
            case AIN3_GND -> inputs.volts(3, seconds);
        };
        long code = Math.round(volts * 1000 / range.lsbMillivolts());
        long min = input.singleEnded() ? 0 : -32768;
        return (int) Math.clamp(code, min, 32767) & 0xFFFF;
    }

    private void acknowledge(int calledAddress) throws NotAcknowledgedException {
        if (calledAddress != address) {
            throw new NotAcknowledgedException(String.format(Locale.ROOT, "address 0x%02X", calledAddress));
        }
    }
}

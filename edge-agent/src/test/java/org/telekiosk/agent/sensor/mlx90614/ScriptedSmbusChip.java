package org.telekiosk.agent.sensor.mlx90614;

import java.util.ArrayList;
import java.util.List;
import org.telekiosk.agent.sensor.simulation.I2CDeviceModel;
import org.telekiosk.agent.sensor.simulation.NotAcknowledgedException;

/** Answers every read word with the bytes it was given, whatever the command; records the commands. */
final class ScriptedSmbusChip implements I2CDeviceModel {
    final List<Integer> commands = new ArrayList<>();
    private byte[] answer = new byte[3];

    /** Answers with LSB, MSB and PEC as given. */
    synchronized void answer(int lsb, int msb, int pec) {
        answer = new byte[] {(byte) lsb, (byte) msb, (byte) pec};
    }

    /** Answers {@code word} with the PEC an MLX90614 at {@code address} would send for {@code command}. */
    synchronized void answerWord(int address, int command, int word) {
        int lsb = word & 0xFF;
        int msb = word >>> 8;
        answer(lsb, msb, SmbusPec.of(address << 1, command, address << 1 | 1, lsb, msb));
    }

    @Override
    public void write(int address, byte[] data) throws NotAcknowledgedException {
        throw new NotAcknowledgedException("write");
    }

    @Override
    public byte[] read(int address, int length) throws NotAcknowledgedException {
        throw new NotAcknowledgedException("read");
    }

    @Override
    public synchronized byte[] writeRead(int address, byte[] written, int length) {
        commands.add(written[0] & 0xFF);
        return java.util.Arrays.copyOf(answer, length);
    }
}

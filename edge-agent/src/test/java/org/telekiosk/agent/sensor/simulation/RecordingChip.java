package org.telekiosk.agent.sensor.simulation;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A chip that records each transfer it sees, as text, and answers every read with 0xA0, 0xA1, 0xA2, ... */
final class RecordingChip implements I2CDeviceModel {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    final List<String> transfers = new ArrayList<>();

    @Override
    public synchronized void write(int address, byte[] data) {
        transfers.add(String.format("%02X write %s", address, HEX.formatHex(data)));
    }

    @Override
    public synchronized byte[] read(int address, int length) {
        transfers.add(String.format("%02X read %d", address, length));
        return answer(length);
    }

    @Override
    public synchronized byte[] writeRead(int address, byte[] written, int length) {
        transfers.add(String.format("%02X write %s, read %d", address, HEX.formatHex(written), length));
        return answer(length);
    }

    private static byte[] answer(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (0xA0 + i);
        }
        return bytes;
    }
}

package org.telekiosk.broker.qrcode;

import java.util.ArrayList;
import java.util.List;

/** Bits appended most significant first. */
final class BitBuffer {
    private final List<Boolean> bits = new ArrayList<>();

    void append(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            bits.add(((value >>> i) & 1) != 0);
        }
    }

    int length() {
        return bits.size();
    }

    byte[] toBytes() {
        byte[] bytes = new byte[bits.size() / 8];
        for (int i = 0; i < bits.size(); i++) {
            if (bits.get(i)) {
                bytes[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return bytes;
    }
}

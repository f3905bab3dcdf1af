package org.telekiosk.agent.sensor.bloodpressure;

/**
 * The frame checksum: CRC-8 with polynomial x^8 + x^2 + x + 1 (0x07), initial value 0x00, no reflection, no final
 * XOR (the catalogue's "CRC-8/SMBUS"; check value 0xF4 over the ASCII bytes "123456789").
 */
final class Crc8 {
    private Crc8() {}

    /** The CRC of {@code length} bytes of {@code bytes} from {@code offset}. */
    static int of(byte[] bytes, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc ^= bytes[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1;
            }
            crc &= 0xFF;
        }
        return crc;
    }
}

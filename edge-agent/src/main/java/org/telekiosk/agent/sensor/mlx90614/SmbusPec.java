package org.telekiosk.agent.sensor.mlx90614;

/**
 * The SMBus Packet Error Code: a CRC-8 with polynomial x^8 + x^2 + x + 1 (0x07), initial value 0, most significant
 * bit first, over every byte of the transfer except the PEC itself, address bytes included (datasheet §8.4.3.1).
 * For a read word that is {@code SA<<1, command, SA<<1|1, LSB, MSB} (datasheet §8.4.3.1.1).
 */
final class SmbusPec {
    private SmbusPec() {}

    /** The PEC of {@code bytes}; only the low eight bits of each value count. */
    static int of(int... bytes) {
        int crc = 0;
        for (int b : bytes) {
            crc ^= b & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1;
            }
            crc &= 0xFF;
        }
        return crc;
    }
}

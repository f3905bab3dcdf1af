package org.telekiosk.broker.qrcode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A QR code (ISO/IEC 18004:2015) for a short ASCII text such as an enrollment token: byte mode, error correction
 * level M (about 15 % of the symbol may be damaged), versions 1 to 10 (up to 213 bytes), the mask chosen by the
 * standard's penalty rules (§7.8.3). Immutable. The layout follows §7.7 (codewords, interleaving), §7.9 (format
 * information) and §7.10 (version information); Project Nayuki's QR code generator served as the reference for the
 * order in which the function patterns are drawn.
 *
 * <p>The technician page draws {@link #rows()} on a canvas, so that the page needs no QR library of its own.
 */
public final class QrCode {
    /** The largest input, in bytes (version 10-M). */
    public static final int MAX_BYTES = 213;

    // Per version 1..10, level M: total codewords, EC codewords per block, number of blocks (§7.5.1, Table 9).
    private static final int[] TOTAL_CODEWORDS = {0, 26, 44, 70, 100, 134, 172, 196, 242, 292, 346};
    private static final int[] EC_PER_BLOCK = {0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26};
    private static final int[] BLOCKS = {0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5};
    static final int[][] ALIGNMENT = {{}, {}, {6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34}, {6, 22, 38},
        {6, 24, 42}, {6, 26, 46}, {6, 28, 50}};
    static final int LEVEL_M_BITS = 0b00;

    private final int version;
    private final int mask;
    private final boolean[][] modules;

    private QrCode(int version, int mask, boolean[][] modules) {
        this.version = version;
        this.mask = mask;
        this.modules = modules;
    }

    /**
     * The smallest QR code that holds {@code text} as UTF-8 bytes.
     *
     * @throws IllegalArgumentException if it is longer than {@value #MAX_BYTES} bytes
     */
    public static QrCode encode(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int version = 1;
        while (version <= 10 && data.length > capacity(version)) {
            version++;
        }
        if (version > 10) {
            throw new IllegalArgumentException("at most " + MAX_BYTES + " bytes fit, got " + data.length);
        }
        byte[] codewords = interleave(version, dataCodewords(version, data));
        QrMatrix builder = new QrMatrix(version);
        builder.drawCodewords(codewords);
        int best = -1;
        long bestPenalty = Long.MAX_VALUE;
        for (int m = 0; m < 8; m++) {
            builder.applyMask(m);
            builder.drawFormat(m);
            long penalty = builder.penalty();
            if (penalty < bestPenalty) {
                best = m;
                bestPenalty = penalty;
            }
            builder.applyMask(m); // XOR again undoes it
        }
        builder.applyMask(best);
        builder.drawFormat(best);
        return new QrCode(version, best, builder.modules);
    }

    /** How many bytes fit into {@code version} at level M in byte mode. */
    static int capacity(int version) {
        int dataBits = dataCodewordCount(version) * 8 - 4 - countBits(version);
        return dataBits / 8;
    }

    public int version() {
        return version;
    }

    public int mask() {
        return mask;
    }

    /** Modules per side: 17 + 4 × version, without the quiet zone (4 modules on each side, §6.3.8). */
    public int size() {
        return modules.length;
    }

    /** Whether the module in column {@code x} of row {@code y} is dark. */
    public boolean dark(int x, int y) {
        return modules[y][x];
    }

    /** The rows top to bottom, each a string of {@code 1} (dark) and {@code 0} (light), left to right. */
    public List<String> rows() {
        List<String> rows = new ArrayList<>(modules.length);
        for (boolean[] row : modules) {
            StringBuilder line = new StringBuilder(row.length);
            for (boolean dark : row) {
                line.append(dark ? '1' : '0');
            }
            rows.add(line.toString());
        }
        return List.copyOf(rows);
    }

    private static int dataCodewordCount(int version) {
        return TOTAL_CODEWORDS[version] - EC_PER_BLOCK[version] * BLOCKS[version];
    }

    private static int countBits(int version) {
        return version < 10 ? 8 : 16;
    }

    /** Mode indicator, count, data, terminator, padding to a byte, pad codewords 0xEC 0x11 (§7.4). */
    private static byte[] dataCodewords(int version, byte[] data) {
        int capacityBits = dataCodewordCount(version) * 8;
        BitBuffer bits = new BitBuffer();
        bits.append(0b0100, 4);
        bits.append(data.length, countBits(version));
        for (byte b : data) {
            bits.append(b & 0xFF, 8);
        }
        bits.append(0, Math.min(4, capacityBits - bits.length()));
        bits.append(0, (8 - bits.length() % 8) % 8);
        for (int pad = 0xEC; bits.length() < capacityBits; pad ^= 0xEC ^ 0x11) {
            bits.append(pad, 8);
        }
        return bits.toBytes();
    }

    /** Splits into blocks, adds Reed-Solomon codewords to each, interleaves (§7.5, §7.6). */
    private static byte[] interleave(int version, byte[] data) {
        int blocks = BLOCKS[version];
        int ecLength = EC_PER_BLOCK[version];
        int total = TOTAL_CODEWORDS[version];
        int shortBlocks = blocks - total % blocks;
        int shortLength = total / blocks;
        byte[] divisor = ReedSolomon.divisor(ecLength);
        byte[][] all = new byte[blocks][];
        for (int i = 0, k = 0; i < blocks; i++) {
            int dataLength = shortLength - ecLength + (i < shortBlocks ? 0 : 1);
            byte[] block = Arrays.copyOfRange(data, k, k + dataLength);
            k += dataLength;
            byte[] ec = ReedSolomon.remainder(block, divisor);
            // Short blocks get a placeholder byte so that all blocks line up; it is skipped below.
            byte[] padded = Arrays.copyOf(block, shortLength + 1 - ecLength);
            all[i] = new byte[shortLength + 1];
            System.arraycopy(padded, 0, all[i], 0, padded.length);
            System.arraycopy(ec, 0, all[i], padded.length, ecLength);
        }
        byte[] result = new byte[total];
        int n = 0;
        for (int i = 0; i < shortLength + 1; i++) {
            for (int j = 0; j < blocks; j++) {
                if (i != shortLength - ecLength || j >= shortBlocks) {
                    result[n++] = all[j][i];
                }
            }
        }
        return result;
    }

}

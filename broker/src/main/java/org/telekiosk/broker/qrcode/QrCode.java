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
    private static final int[][] ALIGNMENT = {{}, {}, {6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34}, {6, 22, 38},
        {6, 24, 42}, {6, 26, 46}, {6, 28, 50}};
    private static final int LEVEL_M_BITS = 0b00;

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
        Builder builder = new Builder(version);
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

    /** The module grid while it is built: function patterns, codewords, masks, format and version information. */
    private static final class Builder {
        final int version;
        final int size;
        final boolean[][] modules;
        final boolean[][] function;

        Builder(int version) {
            this.version = version;
            this.size = 17 + 4 * version;
            this.modules = new boolean[size][size];
            this.function = new boolean[size][size];
            for (int i = 0; i < size; i++) {
                set(6, i, i % 2 == 0);
                set(i, 6, i % 2 == 0);
            }
            finder(3, 3);
            finder(size - 4, 3);
            finder(3, size - 4);
            int[] positions = ALIGNMENT[version];
            int last = positions.length - 1;
            for (int i = 0; i < positions.length; i++) {
                for (int j = 0; j < positions.length; j++) {
                    boolean nearFinder = (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0);
                    if (!nearFinder) {
                        alignment(positions[i], positions[j]);
                    }
                }
            }
            drawFormat(0); // reserves the format areas; drawn for real once the mask is chosen
            drawVersion();
        }

        void set(int x, int y, boolean dark) {
            modules[y][x] = dark;
            function[y][x] = true;
        }

        void finder(int cx, int cy) {
            for (int dy = -4; dy <= 4; dy++) {
                for (int dx = -4; dx <= 4; dx++) {
                    int x = cx + dx;
                    int y = cy + dy;
                    if (x >= 0 && x < size && y >= 0 && y < size) {
                        int distance = Math.max(Math.abs(dx), Math.abs(dy));
                        set(x, y, distance != 2 && distance != 4);
                    }
                }
            }
        }

        void alignment(int cx, int cy) {
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) != 1);
                }
            }
        }

        /** Format information: level and mask, BCH(15,5), XOR 0x5412, in both copies, and the dark module (§7.9). */
        void drawFormat(int mask) {
            int data = LEVEL_M_BITS << 3 | mask;
            int remainder = data;
            for (int i = 0; i < 10; i++) {
                remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
            }
            int bits = (data << 10 | remainder) ^ 0x5412;
            for (int i = 0; i <= 5; i++) {
                set(8, i, bit(bits, i));
            }
            set(8, 7, bit(bits, 6));
            set(8, 8, bit(bits, 7));
            set(7, 8, bit(bits, 8));
            for (int i = 9; i < 15; i++) {
                set(14 - i, 8, bit(bits, i));
            }
            for (int i = 0; i < 8; i++) {
                set(size - 1 - i, 8, bit(bits, i));
            }
            for (int i = 8; i < 15; i++) {
                set(8, size - 15 + i, bit(bits, i));
            }
            set(8, size - 8, true);
        }

        /** Version information, BCH(18,6), from version 7 on (§7.10). */
        void drawVersion() {
            if (version < 7) {
                return;
            }
            int remainder = version;
            for (int i = 0; i < 12; i++) {
                remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1F25);
            }
            int bits = version << 12 | remainder;
            for (int i = 0; i < 18; i++) {
                boolean dark = bit(bits, i);
                int a = size - 11 + i % 3;
                int b = i / 3;
                set(a, b, dark);
                set(b, a, dark);
            }
        }

        /** Places the codewords in the two-module-wide zigzag from the bottom right (§7.7.3). */
        void drawCodewords(byte[] codewords) {
            int i = 0;
            for (int right = size - 1; right >= 1; right -= 2) {
                if (right == 6) {
                    right = 5;
                }
                for (int vertical = 0; vertical < size; vertical++) {
                    for (int j = 0; j < 2; j++) {
                        int x = right - j;
                        boolean upward = ((right + 1) & 2) == 0;
                        int y = upward ? size - 1 - vertical : vertical;
                        if (!function[y][x] && i < codewords.length * 8) {
                            modules[y][x] = bit(codewords[i >>> 3], 7 - (i & 7));
                            i++;
                        }
                    }
                }
            }
        }

        /** XORs the data modules with mask pattern {@code mask} (§7.8.2, Table 10). */
        void applyMask(int mask) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean invert = switch (mask) {
                        case 0 -> (x + y) % 2 == 0;
                        case 1 -> y % 2 == 0;
                        case 2 -> x % 3 == 0;
                        case 3 -> (x + y) % 3 == 0;
                        case 4 -> (x / 3 + y / 2) % 2 == 0;
                        case 5 -> x * y % 2 + x * y % 3 == 0;
                        case 6 -> (x * y % 2 + x * y % 3) % 2 == 0;
                        default -> ((x + y) % 2 + x * y % 3) % 2 == 0;
                    };
                    if (invert && !function[y][x]) {
                        modules[y][x] = !modules[y][x];
                    }
                }
            }
        }

        /** The penalty of §7.8.3: runs, 2×2 blocks, finder-like patterns, dark/light balance. */
        long penalty() {
            long score = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (int a = 0; a < size; a++) {
                    int run = 0;
                    boolean previous = false;
                    int window = 0;
                    for (int b = 0; b < size; b++) {
                        boolean dark = pass == 0 ? modules[a][b] : modules[b][a];
                        if (b > 0 && dark == previous) {
                            run++;
                            if (run == 5) {
                                score += 3;
                            } else if (run > 5) {
                                score++;
                            }
                        } else {
                            run = 1;
                            previous = dark;
                        }
                        window = ((window << 1) | (dark ? 1 : 0)) & 0x7FF;
                        if (b >= 10 && (window == 0b10111010000 || window == 0b00001011101)) {
                            score += 40;
                        }
                    }
                }
            }
            int darkCount = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (modules[y][x]) {
                        darkCount++;
                    }
                    if (y + 1 < size && x + 1 < size && modules[y][x] == modules[y][x + 1]
                            && modules[y][x] == modules[y + 1][x] && modules[y][x] == modules[y + 1][x + 1]) {
                        score += 3;
                    }
                }
            }
            int total = size * size;
            int deviation = Math.abs(darkCount * 20 - total * 10);
            score += (long) ((deviation + total - 1) / total - 1) * 10;
            return score;
        }

        private static boolean bit(int value, int index) {
            return ((value >>> index) & 1) != 0;
        }
    }

    /** Reed-Solomon over GF(2^8) with the polynomial 0x11D and generator roots 2^0..2^(n-1) (§7.5.2). */
    private static final class ReedSolomon {
        static byte[] divisor(int degree) {
            byte[] result = new byte[degree];
            result[degree - 1] = 1;
            int root = 1;
            for (int i = 0; i < degree; i++) {
                for (int j = 0; j < degree; j++) {
                    result[j] = (byte) multiply(result[j] & 0xFF, root);
                    if (j + 1 < degree) {
                        result[j] ^= result[j + 1];
                    }
                }
                root = multiply(root, 0x02);
            }
            return result;
        }

        static byte[] remainder(byte[] data, byte[] divisor) {
            byte[] result = new byte[divisor.length];
            for (byte b : data) {
                int factor = (b ^ result[0]) & 0xFF;
                System.arraycopy(result, 1, result, 0, result.length - 1);
                result[result.length - 1] = 0;
                for (int i = 0; i < result.length; i++) {
                    result[i] ^= (byte) multiply(divisor[i] & 0xFF, factor);
                }
            }
            return result;
        }

        static int multiply(int x, int y) {
            int z = 0;
            for (int i = 7; i >= 0; i--) {
                z = (z << 1) ^ ((z >>> 7) * 0x11D);
                z ^= ((y >>> i) & 1) * x;
            }
            return z;
        }
    }

    /** Bits appended most significant first. */
    private static final class BitBuffer {
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
}

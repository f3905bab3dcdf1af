package org.telekiosk.broker.qrcode;

/** The module grid while it is built: function patterns, codewords, masks, format and version information. */
final class QrMatrix {
    final int version;
    final int size;
    final boolean[][] modules;
    final boolean[][] function;

    QrMatrix(int version) {
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
        int[] positions = QrCode.ALIGNMENT[version];
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
        int data = QrCode.LEVEL_M_BITS << 3 | mask;
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

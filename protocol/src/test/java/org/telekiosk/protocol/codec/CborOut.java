package org.telekiosk.protocol.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A CBOR writer for tests that can write what Jackson's generator never does: any argument width (not only the
 * shortest), indefinite-length maps and arrays, chunked text, tags, simple values, floats of every width, byte
 * strings. Each head's width is chosen at random among those that fit when a random source is given.
 */
final class CborOut {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final SplittableRandom random;

    /** With {@code random}, heads take a random width that fits; without (null), the shortest. */
    CborOut(SplittableRandom random) {
        this.random = random;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    CborOut raw(int... values) {
        for (int value : values) {
            out.write(value);
        }
        return this;
    }

    CborOut raw(byte[] values) {
        out.write(values, 0, values.length);
        return this;
    }

    /** A head of {@code major} with the unsigned argument {@code argument} (as a long's bits, for 64-bit values). */
    CborOut head(int major, long argument) {
        int shortest = Long.compareUnsigned(argument, 24) < 0 ? 0
                : Long.compareUnsigned(argument, 0xff) <= 0 ? 1
                : Long.compareUnsigned(argument, 0xffff) <= 0 ? 2
                : Long.compareUnsigned(argument, 0xffff_ffffL) <= 0 ? 4 : 8;
        int width = shortest;
        if (random != null && random.nextInt(4) == 0) {
            int[] wider = {0, 1, 2, 4, 8};
            do {
                width = wider[random.nextInt(wider.length)];
            } while (width < shortest);
        }
        return head(major, argument, width);
    }

    /** A head with its argument in exactly {@code width} bytes (0: in the initial byte, which needs it below 24). */
    CborOut head(int major, long argument, int width) {
        int info = switch (width) {
            case 0 -> (int) argument;
            case 1 -> 24;
            case 2 -> 25;
            case 4 -> 26;
            case 8 -> 27;
            default -> throw new IllegalArgumentException("width " + width);
        };
        out.write(major << 5 | info);
        for (int i = width - 1; i >= 0; i--) {
            out.write((int) (argument >>> (8 * i)));
        }
        return this;
    }

    CborOut integer(long value) {
        return value >= 0 ? head(0, value) : head(1, -1 - value);
    }

    CborOut text(String text) {
        return text(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A text string of these bytes, valid UTF-8 or not. */
    CborOut text(byte[] utf8) {
        head(3, utf8.length);
        return raw(utf8);
    }

    /** Indefinite-length text in chunks of at most {@code chunk} bytes (RFC 8949 §3.2.3). */
    CborOut chunkedText(String text, int chunk) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        raw(0x7f);
        for (int at = 0; at < utf8.length; at += chunk) {
            int length = Math.min(chunk, utf8.length - at);
            head(3, length);
            out.write(utf8, at, length);
        }
        return raw(0xff);
    }

    CborOut bytesValue(byte[] value) {
        head(2, value.length);
        return raw(value);
    }

    CborOut float16(double value) {
        return raw(0xf9).fixed(Float.floatToFloat16((float) value) & 0xffff, 2);
    }

    CborOut float32(double value) {
        return raw(0xfa).fixed(Float.floatToRawIntBits((float) value) & 0xffff_ffffL, 4);
    }

    CborOut float64(double value) {
        return raw(0xfb).fixed(Double.doubleToRawLongBits(value), 8);
    }

    private CborOut fixed(long value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }
}

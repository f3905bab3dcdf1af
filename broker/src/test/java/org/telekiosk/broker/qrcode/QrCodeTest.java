package org.telekiosk.broker.qrcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.decoder.Decoder;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Our QR encoder, read back by ZXing: from the module grid, and from a rendered image with a quiet zone. */
class QrCodeTest {
    private static final String TOKEN = "tk1.wmk-lab-03.Q2FmZV9iYWJlX2NhZmVfYmFiZV9jYWZlX2JhYmVfY2Fm."
            + "x9RkVfQkFCRV9DQUZFX0JBQkVfQ0FGRV9CQUJFX0NBRk";

    static List<String> texts() {
        // Every version from 1 to 10: the largest text of each, and an enrollment token.
        List<String> texts = new java.util.ArrayList<>(IntStream.rangeClosed(1, 10)
                .mapToObj(v -> "x".repeat(QrCode.capacity(v))).toList());
        texts.add(TOKEN);
        texts.add("tk1." + "k".repeat(40) + "." + "s".repeat(43) + "." + "p".repeat(43));
        texts.add("");
        return texts;
    }

    @ParameterizedTest
    @MethodSource("texts")
    void zxingDecodesTheModuleGridToTheSameTextAtLevelM(String text) throws Exception {
        QrCode qr = QrCode.encode(text);
        var result = new Decoder().decode(grid(qr, 0, 1));
        assertEquals(text, result.getText());
        assertEquals(ErrorCorrectionLevel.M, ErrorCorrectionLevel.valueOf(result.getECLevel()));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void zxingReadsTheRenderedImageWithAQuietZone(String text) throws Exception {
        QrCode qr = QrCode.encode(text);
        BitMatrix image = grid(qr, 4, 4);
        int[] pixels = new int[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                pixels[y * image.getWidth() + x] = image.get(x, y) ? 0xFF000000 : 0xFFFFFFFF;
            }
        }
        var source = new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels);
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE));
        assertEquals(text, result.getText());
    }

    @Test
    void theSmallestVersionThatHoldsTheTextIsChosen() {
        assertEquals(1, QrCode.encode("x".repeat(14)).version());
        assertEquals(2, QrCode.encode("x".repeat(15)).version());
        assertEquals(10, QrCode.encode("x".repeat(QrCode.MAX_BYTES)).version());
        int tokenVersion = QrCode.encode(TOKEN).version();
        assertTrue(tokenVersion >= 5 && tokenVersion <= 7, "a token fits a small symbol: " + tokenVersion);
    }

    @Test
    void rowsAreTheModulesAsOnesAndZeros() {
        QrCode qr = QrCode.encode("hello");
        List<String> rows = qr.rows();
        assertEquals(21, rows.size());
        assertEquals("1111111", rows.getFirst().substring(0, 7));
        for (int y = 0; y < qr.size(); y++) {
            for (int x = 0; x < qr.size(); x++) {
                assertEquals(qr.dark(x, y), rows.get(y).charAt(x) == '1');
            }
        }
    }

    @Test
    void aTextTooLongForVersion10IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QrCode.encode("x".repeat(QrCode.MAX_BYTES + 1)));
    }

    /** The modules, each {@code scale} pixels, with {@code quiet} light modules around. */
    private static BitMatrix grid(QrCode qr, int quiet, int scale) {
        int side = (qr.size() + 2 * quiet) * scale;
        BitMatrix matrix = new BitMatrix(side, side);
        for (int y = 0; y < qr.size(); y++) {
            for (int x = 0; x < qr.size(); x++) {
                if (qr.dark(x, y)) {
                    matrix.setRegion((x + quiet) * scale, (y + quiet) * scale, scale, scale);
                }
            }
        }
        return matrix;
    }
}

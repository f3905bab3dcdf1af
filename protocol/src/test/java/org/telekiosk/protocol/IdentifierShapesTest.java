package org.telekiosk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The identifiers' shapes are checked character by character; the regular expressions that protocol/README.md and the
 * Javadoc state them with are the oracle, over random strings drawn from the characters that matter.
 */
class IdentifierShapesTest {
    private static final String ALPHABET = "az09AZ-_/+# .~!\u00e4\n\u0000\ud83d";

    @Test
    void aKioskIdHasTheDocumentedShape() {
        agrees(Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,39}"), KioskId::fits, "abz09-", 44);
    }

    @Test
    void aSensorIdHasTheDocumentedShape() {
        agrees(Pattern.compile("[a-z0-9][a-z0-9-]{0,31}"), SensorId::fits, "az09-", 36);
    }

    @Test
    void aUcumUnitHasTheDocumentedShape() {
        agrees(Pattern.compile("[!-~]{1,32}"), UcumUnit::fits, "!~Az[]' \u007f", 36);
    }

    @Test
    void aLoincCodeHasTheDocumentedShape() {
        agrees(Pattern.compile("[0-9]{1,7}-[0-9]"), LoincCode::fits, "09-", 12);
    }

    private static void agrees(Pattern oracle, Predicate<String> shape, String likely, int maxLength) {
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 300_000; i++) {
            String from = i % 2 == 0 ? likely : ALPHABET + likely;
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(maxLength + 1);
            for (int j = 0; j < length; j++) {
                text.append(from.charAt(random.nextInt(from.length())));
            }
            String s = text.toString();
            assertEquals(oracle.matcher(s).matches(), shape.test(s), () -> "'" + s + "'");
        }
    }
}

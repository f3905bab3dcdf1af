package org.telekiosk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UntrustedTest {
    @Test
    void controlCharactersBecomeQuestionMarks() {
        assertEquals("a?b?c?d", Untrusted.printable("a\nb\u0000c\u0085d", 40));
    }

    @Test
    void textWithinTheLimitIsKeptWhole() {
        assertEquals("x".repeat(40), Untrusted.printable("x".repeat(40), 40));
    }

    @Test
    void longerTextIsCutToTheLimitEllipsisIncluded() {
        String result = Untrusted.printable("y".repeat(41), 40);
        assertEquals("y".repeat(39) + "…", result);
        assertEquals(40, result.length());
    }

    @Test
    void aLimitBelowTwoIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Untrusted.printable("abc", 1));
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    private static final Frame STATUS = new Frame(0x82, HEX.parseHex("02 00 00 96"));
    private final FrameDecoder decoder = new FrameDecoder();

    private void feed(String hex) {
        byte[] bytes = HEX.parseHex(hex);
        decoder.feed(bytes, 0, bytes.length);
    }

    @Test
    void aFrameIsDecodedOnceItsLastByteArrives() throws Exception {
        feed("02 05 82 02 00 00 96 19");
        assertEquals(Optional.empty(), decoder.next());
        feed("03");
        assertEquals(Optional.of(STATUS), decoder.next());
        assertEquals(Optional.empty(), decoder.next());
    }

    @Test
    void noiseBeforeAFrameIsSkippedAndCounted() throws Exception {
        feed("FF 00 13 37 02 05 82 02 00 00 96 19 03");
        assertEquals(Optional.of(STATUS), decoder.next());
        assertEquals(4, decoder.discarded());
    }

    @Test
    void aFalseStartWhoseEtxIsMisplacedIsSkippedByOneByteOnly() throws Exception {
        // 02 04 claims a 8-byte frame ending at the real frame's sixth byte, which is no ETX.
        feed("02 04 02 05 82 02 00 00 96 19 03");
        assertEquals(Optional.of(STATUS), decoder.next());
    }

    @Test
    void aFalseStartWithAnImpossibleLengthIsSkipped() throws Exception {
        feed("02 00 02 22 02 05 82 02 00 00 96 19 03");
        assertEquals(Optional.of(STATUS), decoder.next());
    }

    @Test
    void aFalseStartWaitingForBytesThatNeverComeIsGivenUpWhenTheLineFallsSilent() throws Exception {
        feed("02 20 02 05 82 02 00 00 96 19 03");
        assertEquals(Optional.empty(), decoder.next());
        assertTrue(decoder.dropFalseStart());
        assertEquals(Optional.of(STATUS), decoder.next());
        assertFalse(decoder.pending());
    }

    @Test
    void aFrameWithIntactFramingButAWrongCrcIsAChecksumMismatchAndIsConsumed() throws Exception {
        feed("02 05 82 02 00 00 96 18 03 02 01 81 9B 03");
        FrameDecoder.ChecksumMismatch e = assertThrows(FrameDecoder.ChecksumMismatch.class, decoder::next);
        assertEquals("CRC mismatch in a frame with code 0x82: received 0x18, computed 0x19", e.getMessage());
        assertEquals(Optional.of(Frame.of(0x81)), decoder.next());
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    @Test
    void theCrcIsCrc8SmbusWithItsCatalogueCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xF4, Crc8.of(check, 0, check.length));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        START_MEASUREMENT                 | 01 |                         | 02 01 01 12 03
        READ_STATUS                       | 02 |                         | 02 01 02 1B 03
        READ_RESULT                       | 03 |                         | 02 01 03 1C 03
        ABORT                             | 04 |                         | 02 01 04 09 03
        reply to START                    | 81 |                         | 02 01 81 9B 03
        status measuring 150 mm[Hg]       | 82 | 02 00 00 96             | 02 05 82 02 00 00 96 19 03
        status error cuff loose           | 82 | 04 01 00 00             | 02 05 82 04 01 00 00 ED 03
        result 120/80 mean 93 pulse 72    | 83 | 00 78 00 50 00 5D 00 48 | 02 09 83 00 78 00 50 00 5D 00 48 F3 03
        NAK START busy                    | 7F | 01 02                   | 02 03 7F 01 02 01 03
        """)
    void framesEncodeAsTheDocumentedExamples(String what, String code, String payload, String wire) {
        Frame frame = new Frame(Integer.parseInt(code, 16), payload == null ? new byte[0] : HEX.parseHex(payload));
        assertEquals(wire, HEX.formatHex(frame.encode()));
    }

    @Test
    void payloadsLongerThan32BytesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(0x83, new byte[33]));
    }
}

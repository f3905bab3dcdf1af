package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;

/** Issue 12: the store-ack's {@code refused} list (additive on the wire) and reading a refused payload's seq. */
class StoreAckCodecTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    final WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void aStoreAckWithoutRefusalsIsTheSameBytesAsBeforeTheFieldExisted() {
        byte[] old = cbor.encode(map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 5381));
        assertArrayEquals(old, cbor.encode(new StoreAck(KIOSK, 5381)));
    }

    @Test
    void aStoreAckWithoutTheRefusedFieldDecodesWithAnEmptyList() throws Exception {
        byte[] old = cbor.encode(map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 5381));
        assertEquals(new StoreAck(KIOSK, 5381, List.of()), cbor.decode(old, KioskDownlink.class));
    }

    @Test
    void refusedNumbersRoundTrip() throws Exception {
        StoreAck ack = new StoreAck(KIOSK, 5381, List.of(5377L, 5380L));
        assertEquals(ack, cbor.decode(cbor.encode(ack), KioskDownlink.class));
        assertEquals("{\"type\":\"store-ack\",\"kiosk\":\"wmk-lab-03\",\"storedThrough\":5381,\"refused\":[5377,5380]}",
                WireCodec.json(1024).encodeToString(ack));
    }

    @Test
    void aStoreAckIsStillReadStrictly() {
        for (Map<String, Object> bad : List.of(
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 10, "colour", "blue"),
                map("type", "store-ack", "kiosk", "wmk-lab-03"),
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", "10"),
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 10, "refused", List.of(11)),
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 10, "refused", List.of(5, 3)),
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 10, "refused", List.of(0)),
                map("type", "store-ack", "kiosk", "wmk-lab-03", "storedThrough", 10, "refused", 4),
                map("type", "store-ack", "kiosk", "WMK LAB", "storedThrough", 10))) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> cbor.decode(cbor.encode(bad), KioskDownlink.class), bad.toString());
            assertEquals(MalformedMessageException.Reason.INVALID_FIELD, e.reason(), bad + ": " + e.getMessage());
        }
    }

    @Test
    void theSeqOfAPayloadTheCodecRefusesCanStillBeRead() {
        Map<String, Object> badLoinc = map("type", "measurement", "kiosk", "wmk-lab-03", "seq", 42, "sensor",
                "mlx90614", "loinc", "8310-4", "value", 36.85, "unit", "Cel", "takenAt", "2026-11-22T10:15:30Z");
        assertEquals(OptionalLong.of(42), cbor.peekSeq(cbor.encode(badLoinc)));
        Map<String, Object> nested = map("samples", List.of(map("seq", 7)), "seq", 43L, "value", Double.NaN);
        assertEquals(OptionalLong.of(43), cbor.peekSeq(cbor.encode(nested)), "only the top-level seq counts");
        assertEquals(OptionalLong.of(44), WireCodec.cbor(64).peekSeq(cbor.encode(map("seq", 44, "pad",
                "x".repeat(500)))), "also beyond the codec's size limit");
    }

    @Test
    void noSeqIsReadFromWhatDoesNotNameExactlyOneWholeNumberOfAtLeastOne() {
        assertEquals(OptionalLong.empty(), cbor.peekSeq(new byte[0]));
        assertEquals(OptionalLong.empty(), cbor.peekSeq("garbage".getBytes()));
        assertEquals(OptionalLong.empty(), cbor.peekSeq(cbor.encode(map("type", "measurement"))));
        assertEquals(OptionalLong.empty(), cbor.peekSeq(cbor.encode(map("seq", 0))));
        assertEquals(OptionalLong.empty(), cbor.peekSeq(cbor.encode(map("seq", "42"))));
        assertEquals(OptionalLong.empty(), cbor.peekSeq(cbor.encode(map("seq", 4.5))));
        assertEquals(OptionalLong.empty(), cbor.peekSeq(cbor.encode(List.of(1, 2))));
        byte[] twice = {(byte) 0xa2, 0x63, 's', 'e', 'q', 0x01, 0x63, 's', 'e', 'q', 0x02};
        assertEquals(OptionalLong.empty(), cbor.peekSeq(twice), "a duplicate key is refused by the parser");
    }
}

package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.Topics;

class PresenceCodecTest {
    static final Presence OFFLINE = new Presence(KioskId.of("wmk-lab-03"), Presence.State.OFFLINE, 1733400000123L);

    @Test
    void thePresenceShapeIsTheDocumentedOneAndSurvivesCbor() throws Exception {
        assertEquals("{\"type\":\"presence\",\"kiosk\":\"wmk-lab-03\",\"state\":\"offline\","
                + "\"connection\":1733400000123}", WireCodec.json(4096).encodeToString(OFFLINE));
        WireCodec cbor = WireCodec.cbor(4096);
        assertEquals(OFFLINE, cbor.decode(cbor.encode(OFFLINE), KioskMessage.class));
    }

    @Test
    void aPresenceTravelsOnTheStatusChannelOnly() {
        assertTrue(Topics.carries(KioskTopic.Channel.STATUS, OFFLINE));
        assertFalse(Topics.carries(KioskTopic.Channel.MEASUREMENTS, OFFLINE));
        assertFalse(Topics.carries(KioskTopic.Channel.COMMANDS, OFFLINE));
    }

    @Test
    void anUnknownStateOrAConnectionBelowOneIsRefused() {
        WireCodec json = WireCodec.json(4096);
        assertThrows(MalformedMessageException.class, () -> json.decode(
                "{\"type\":\"presence\",\"kiosk\":\"wmk-lab-03\",\"state\":\"away\",\"connection\":5}",
                KioskMessage.class));
        assertThrows(MalformedMessageException.class, () -> json.decode(
                "{\"type\":\"presence\",\"kiosk\":\"wmk-lab-03\",\"state\":\"online\",\"connection\":0}",
                KioskMessage.class));
        assertThrows(MalformedMessageException.class, () -> json.decode(
                "{\"type\":\"presence\",\"kiosk\":\"wmk-lab-03\",\"state\":\"online\"}", KioskMessage.class));
    }
}

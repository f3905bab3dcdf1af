package org.telekiosk.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.codec.WireCodec;

/** The {@code join-time} message: its documented shape, and every absurd value refused before the broker sees it. */
class JoinTimeCodecTest {
    private final WireCodec json = WireCodec.json(65_536);

    @Test
    void aJoinTimeHasTheDocumentedShape() throws MalformedMessageException {
        SignalRequest.JoinTime expected = new SignalRequest.JoinTime(48_250, 1_830);

        assertEquals(expected, json.decode("{\"type\":\"join-time\",\"millis\":48250,\"mediaMillis\":1830}",
                SignalRequest.class));
        assertEquals(expected, json.decode(json.encode(expected), SignalRequest.class));
    }

    @Test
    void theLimitsThemselvesAreAccepted() throws MalformedMessageException {
        String text = "{\"type\":\"join-time\",\"millis\":" + SignalRequest.JoinTime.MAX_MILLIS + ",\"mediaMillis\":"
                + SignalRequest.JoinTime.MAX_MEDIA_MILLIS + "}";
        assertEquals(new SignalRequest.JoinTime(SignalRequest.JoinTime.MAX_MILLIS,
                SignalRequest.JoinTime.MAX_MEDIA_MILLIS), json.decode(text, SignalRequest.class));
        assertEquals(new SignalRequest.JoinTime(0, 0),
                json.decode("{\"type\":\"join-time\",\"millis\":0,\"mediaMillis\":0}", SignalRequest.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"millis\":-1,\"mediaMillis\":0",
        "\"millis\":21600001,\"mediaMillis\":0",
        "\"millis\":2000000000,\"mediaMillis\":1800001",
        "\"millis\":1000,\"mediaMillis\":-5",
        "\"millis\":1000,\"mediaMillis\":1001",
        "\"millis\":1000.5,\"mediaMillis\":10",
        "\"millis\":\"1000\",\"mediaMillis\":10",
        "\"millis\":1000",
        "\"millis\":1000,\"mediaMillis\":10,\"seat\":\"x\"",
        "\"millis\":99999999999,\"mediaMillis\":10",
    })
    void anAbsurdOrMalformedJoinTimeIsRefused(String fields) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode("{\"type\":\"join-time\"," + fields + "}", SignalRequest.class));
        assertTrue(e.reason() == Reason.INVALID_FIELD || e.reason() == Reason.NOT_DECODABLE,
                e.reason() + ": " + e.getMessage());
    }
}

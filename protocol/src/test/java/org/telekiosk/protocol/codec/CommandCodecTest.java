package org.telekiosk.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.telemetry.CommandState;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.topic.KioskTopic;
import org.telekiosk.protocol.topic.Topics;

/** Commands (broker to kiosk) and command updates (kiosk to broker) are decoded strictly, in CBOR and JSON alike. */
class CommandCodecTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final UUID ID = UUID.fromString("0b6e1c2e-6c1b-4f57-9d7a-4a3e2f1d0c9b");
    static final Instant ISSUED = Instant.parse("2026-11-22T10:15:30Z");
    static final Command ECG = new Command(KIOSK, ID, CommandKind.ECG, 30, ISSUED, ISSUED.plusSeconds(120));
    static final String VALID_COMMAND = "{\"type\":\"command\",\"kiosk\":\"wmk-lab-03\","
            + "\"id\":\"0b6e1c2e-6c1b-4f57-9d7a-4a3e2f1d0c9b\",\"kind\":\"ECG\",\"seconds\":30,"
            + "\"issuedAt\":\"2026-11-22T10:15:30Z\",\"expiresAt\":\"2026-11-22T10:17:30Z\"}";
    static final CommandUpdate DONE = CommandUpdate.done(KIOSK, ID, List.of(41L, 42L), ISSUED.plusSeconds(40));
    static final String VALID_UPDATE = "{\"type\":\"command-update\",\"kiosk\":\"wmk-lab-03\","
            + "\"command\":\"0b6e1c2e-6c1b-4f57-9d7a-4a3e2f1d0c9b\",\"state\":\"DONE\",\"reason\":\"\","
            + "\"seqs\":[41,42],\"at\":\"2026-11-22T10:16:10Z\"}";

    static Stream<WireCodecTest.Format> formats() {
        return Arrays.stream(WireCodecTest.Format.values());
    }

    @ParameterizedTest
    @MethodSource("formats")
    void aCommandAndAnUpdateSurviveARoundTripAndHaveTheDocumentedShape(WireCodecTest.Format format)
            throws Exception {
        WireCodec codec = format.codec();
        assertEquals(ECG, codec.decode(codec.encode(ECG), KioskDownlink.class));
        assertEquals(DONE, codec.decode(codec.encode(DONE), KioskMessage.class));
        assertEquals(ECG, codec.decode(format.bytes(VALID_COMMAND), KioskDownlink.class));
        assertEquals(DONE, codec.decode(format.bytes(VALID_UPDATE), KioskMessage.class));
    }

    @Test
    void theJsonShapeIsTheDocumentedOne() {
        WireCodec json = WireCodec.json(4096);
        assertEquals(VALID_COMMAND, json.encodeToString(ECG));
        assertEquals(VALID_UPDATE, json.encodeToString(DONE));
    }

    static Stream<Arguments> malformedCommands() {
        String v = VALID_COMMAND;
        String[][] cases = {
            {"an unknown kind", v.replace("\"ECG\"", "\"EEG\"")},
            {"a kind in lower case", v.replace("\"ECG\"", "\"ecg\"")},
            {"an ECG over 60 s", v.replace("\"seconds\":30", "\"seconds\":61")},
            {"an ECG of 0 s", v.replace("\"seconds\":30", "\"seconds\":0")},
            {"seconds for a weight", v.replace("\"ECG\"", "\"WEIGHT\"")},
            {"seconds as a string", v.replace("\"seconds\":30", "\"seconds\":\"30\"")},
            {"not a UUID", v.replace("0b6e1c2e-6c1b-4f57-9d7a-4a3e2f1d0c9b", "command-1")},
            {"expiry before issue", v.replace("10:17:30Z", "10:15:00Z")},
            {"expiry equal to issue", v.replace("10:17:30Z", "10:15:30Z")},
            {"a lifetime over an hour", v.replace("10:17:30Z", "11:15:31Z")},
            {"expiry as a number", v.replace("\"2026-11-22T10:17:30Z\"", "1795342650")},
            {"an unknown field", v.replace("}", ",\"retain\":true}")},
            {"a duplicate key", v.replace("}", ",\"kind\":\"ECG\"}")},
            {"a missing field", v.replace(",\"seconds\":30", "")},
            {"an invalid kiosk", v.replace("wmk-lab-03", "wmk/lab")},
        };
        return formats().flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedCommands")
    void malformedCommandsAreRefused(WireCodecTest.Format format, String what, String json) {
        assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskDownlink.class));
    }

    static Stream<Arguments> malformedUpdates() {
        String v = VALID_UPDATE;
        String failed = v.replace("DONE", "FAILED").replace("[41,42]", "[]");
        String[][] cases = {
            {"an unknown state", v.replace("\"DONE\"", "\"QUEUED\"")},
            {"a FAILED without reason", failed},
            {"a reason over 200 characters", failed.replace("\"reason\":\"\"", "\"reason\":\"" + "x".repeat(201) + "\"")},
            {"a reason with a control character", failed.replace("\"reason\":\"\"", "\"reason\":\"cuff\\u0007\"")},
            {"a reason on DONE", v.replace("\"reason\":\"\"", "\"reason\":\"fine\"")},
            {"readings on RUNNING", v.replace("DONE", "RUNNING")},
            {"a zero seq", v.replace("[41,42]", "[0]")},
            {"a seq as a string", v.replace("[41,42]", "[\"41\"]")},
            {"too many seqs", v.replace("[41,42]", "[" + "1,".repeat(CommandUpdate.MAX_SEQS) + "1]")},
            {"a missing at", v.replace(",\"at\":\"2026-11-22T10:16:10Z\"", "")},
            {"an unknown field", v.replace("}", ",\"extra\":1}")},
        };
        return formats().flatMap(f -> Arrays.stream(cases).map(c -> Arguments.of(f, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformedUpdates")
    void malformedUpdatesAreRefused(WireCodecTest.Format format, String what, String json) {
        assertThrows(MalformedMessageException.class,
                () -> format.codec().decode(format.bytes(json), KioskMessage.class));
    }

    @Test
    void aFailureReasonIsMadeFitRatherThanRefusedWhenTheKioskBuildsIt() {
        CommandUpdate update = CommandUpdate.failed(KIOSK, ID, "cuff\nleak " + "x".repeat(300), ISSUED);
        assertEquals(CommandState.FAILED, update.state());
        assertEquals(CommandUpdate.MAX_REASON, update.reason().length());
        assertTrue(update.reason().startsWith("cuff leak"));
    }

    @Test
    void updatesTravelOnTheKiosksOwnCommandsChannelOnly() {
        assertEquals("telekiosk/v1/kiosks/wmk-lab-03/commands", Topics.commandUpdates(KIOSK));
        assertEquals(KioskTopic.Channel.COMMANDS, Topics.parse(Topics.commandUpdates(KIOSK)).orElseThrow().channel());
        assertTrue(Topics.carries(KioskTopic.Channel.COMMANDS, DONE));
        assertTrue(!Topics.carries(KioskTopic.Channel.MEASUREMENTS, DONE));
        assertTrue(!Topics.carries(KioskTopic.Channel.STATUS, DONE));
    }

    @Test
    void aCommandKnowsWhenItHasExpired() {
        assertTrue(!ECG.expiredAt(ISSUED.plusSeconds(119)));
        assertTrue(ECG.expiredAt(ISSUED.plusSeconds(120)));
    }
}

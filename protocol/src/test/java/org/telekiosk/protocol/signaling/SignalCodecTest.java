package org.telekiosk.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.MalformedMessageException.Reason;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;

class SignalCodecTest {
    private static final String ID = "3f2b8c1e-7a4d-4e5f-9a0b-1c2d3e4f5a6b";
    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
    private final WireCodec json = WireCodec.json(65_536);

    static List<SignalRequest> everyRequest() {
        return List.of(
                new SignalRequest.Hello(1, new Credential.Cookie(ID)),
                new SignalRequest.Hello(1, new Credential.Session(TOKEN, ID)),
                new SignalRequest.Hello(1, new Credential.Code("K7M-4QX-9TR", "Erika")),
                new SignalRequest.Hello(1, new Credential.Resume(TOKEN, 17)),
                new SignalRequest.Hello(1, new Credential.KioskCookie("")),
                new SignalRequest.Hello(1, new Credential.KioskCookie("Erika")),
                new SignalRequest.Ready(new Readiness(true, true, 42)),
                new SignalRequest.Admit(ID),
                new SignalRequest.Offer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"),
                new SignalRequest.Answer("v=0\r\n"),
                new SignalRequest.IceCandidate("candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", "0", 0),
                new SignalRequest.IceCandidate("", "", 0),
                new SignalRequest.IceRestart(),
                new SignalRequest.Leave(),
                new SignalRequest.End(),
                new SignalRequest.Ping("n-1"),
                new SignalRequest.MediaReport("relay", "tls", "relay", "host", FP_A, FP_B),
                new SignalRequest.MediaReport("direct", "udp", "host", "prflx", FP_A.toLowerCase(), FP_B),
                new SignalRequest.Quality(Rung.VIDEO_LOW, "loss 4 %, rtt 380 ms", false),
                new SignalRequest.Quality(Rung.TEXT, "", true),
                new SignalRequest.Chat("Guten Tag!\nWie geht es Ihnen?"),
                new SignalRequest.Check(new PreCallCheck("picture", "heard", "heard", 120, 1_800)),
                new SignalRequest.Check(new PreCallCheck("unavailable", "unmeasured", "not-heard", 0, 0)),
                new SignalRequest.Check(PreCallCheck.NOT_REPORTED));
    }

    private static final String FP_A = "sha-256 " + "4A:".repeat(31) + "4A";
    private static final String FP_B = "sha-256 " + "0e:".repeat(31) + "0e";
    private static final String MEDIA = "{\"type\":\"media-report\",\"path\":\"%s\",\"protocol\":\"%s\","
            + "\"localCandidateType\":\"%s\",\"remoteCandidateType\":\"%s\",\"localFingerprint\":\"%s\","
            + "\"remoteFingerprint\":\"" + FP_B + "\"}";

    @Test
    void aMediaReportHasTheDocumentedShape() throws MalformedMessageException {
        String text = MEDIA.formatted("relay", "udp", "relay", "relay", FP_A);
        assertEquals(new SignalRequest.MediaReport("relay", "udp", "relay", "relay", FP_A, FP_B),
                json.decode(text, SignalRequest.class));
    }

    /** path|protocol|local type|remote type|local fingerprint; {@code FP} stands for a valid one. */
    @ParameterizedTest
    @ValueSource(strings = {
        "direct|udp|relay|host|FP",
        "relay|udp|host|host|FP",
        "sideways|udp|host|host|FP",
        "direct|sctp|host|host|FP",
        "direct|udp|mdns|host|FP",
        "direct|udp|host|host|md5 4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A",
        "direct|udp|host|host|sha-256 4A:4A",
        "direct|udp|host|host|sha-256 ZZ:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A:4A",
        "direct|udp|host|host|sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89 (10.0.0.1)",
    })
    void aMediaReportThatContradictsItselfOrIsNotAFingerprintIsRefused(String fields) {
        String[] f = fields.split("\\|");
        String text = MEDIA.formatted(f[0], f[1], f[2], f[3], f[4].equals("FP") ? FP_A : f[4]);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), e.getMessage());
    }

    static List<SignalEvent> everyEvent() {
        return List.of(
                new SignalEvent.Welcome(1, ID, Participant.Role.PATIENT, ID, TOKEN, SignalEvent.SeatStatus.WAITING, 0),
                new SignalEvent.Welcome(1, ID, Participant.Role.DOCTOR, "", "", SignalEvent.SeatStatus.IN_CALL, 5),
                new SignalEvent.WaitingRoom(1, List.of(new WaitingPatient(ID, "Erika", "wmk-lab-03",
                        Instant.parse("2026-11-22T10:15:30Z"), true, Readiness.UNKNOWN,
                        KioskSensors.reported(List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, ""),
                                new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6"))),
                        new PreCallCheck("picture", "heard", "heard", 120, 1_800)),
                        new WaitingPatient(ID, "Jan", "wmk-lab-04", Instant.parse("2026-11-22T10:16:30Z"), true,
                                Readiness.UNKNOWN, KioskSensors.NOT_REPORTED, PreCallCheck.NOT_REPORTED),
                        new WaitingPatient(ID, "Max", "", Instant.parse("2026-11-22T10:17:30Z"), false,
                                new Readiness(true, false, 12), KioskSensors.NO_KIOSK,
                                new PreCallCheck("dark", "silent", "unknown", -1, -1)))),
                new SignalEvent.Admitted(2, List.of(new IceServer(List.of("turn:turn.example:3478?transport=udp"),
                        "1700000000:" + ID, "c2VjcmV0")), "relay"),
                new SignalEvent.Participants(3, List.of(new Participant(Participant.Role.DOCTOR, "Dr. Weber"),
                        new Participant(Participant.Role.PATIENT, "Erika"))),
                new SignalEvent.Offer(4, "v=0\r\n"),
                new SignalEvent.Answer(5, "v=0\r\n"),
                new SignalEvent.IceCandidate(6, "candidate:1 1 udp 1 192.0.2.1 1 typ host", "0", 0),
                new SignalEvent.IceRestart(7),
                new SignalEvent.Ended(8, "ended-by-doctor"),
                new SignalEvent.Pong("n-1"),
                new SignalEvent.Error("out-of-order", "no offer to answer"),
                new SignalEvent.Quality(9, Participant.Role.DOCTOR, Rung.AUDIO, "loss 9 %", false),
                new SignalEvent.Chat(Participant.Role.PATIENT, "Danke"));
    }

    @ParameterizedTest
    @MethodSource("everyRequest")
    void everyRequestSurvivesARoundTrip(SignalRequest request) throws MalformedMessageException {
        assertEquals(request, json.decode(json.encode(request), SignalRequest.class));
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    void everyEventSurvivesARoundTrip(SignalEvent event) throws MalformedMessageException {
        assertEquals(event, json.decode(json.encode(event), SignalEvent.class));
    }

    @Test
    void aHelloWithAJoinCodeHasTheDocumentedShape() {
        assertEquals("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"code\",\"code\":\"K7M-4QX-9TR\","
                + "\"name\":\"\"}}", json.encodeToString(new SignalRequest.Hello(1, new Credential.Code("K7M-4QX-9TR", ""))));
    }

    @Test
    void qualityAndChatHaveTheDocumentedShape() {
        assertEquals("{\"type\":\"quality\",\"rung\":\"video-low\",\"reason\":\"rtt 420 ms\",\"pinned\":false}",
                json.encodeToString(new SignalRequest.Quality(Rung.VIDEO_LOW, "rtt 420 ms", false)));
        assertEquals("{\"type\":\"chat\",\"from\":\"doctor\",\"text\":\"Hallo\"}",
                json.encodeToString(new SignalEvent.Chat(Participant.Role.DOCTOR, "Hallo")));
    }

    @Test
    void aCheckHasTheDocumentedShape() throws MalformedMessageException {
        String text = "{\"type\":\"check\",\"result\":{\"camera\":\"picture\",\"microphone\":\"heard\","
                + "\"speaker\":\"heard\",\"roundTripMillis\":120,\"downKbps\":1800}}";
        SignalRequest.Check check = new SignalRequest.Check(new PreCallCheck("picture", "heard", "heard", 120, 1_800));
        assertEquals(text, json.encodeToString(check));
        assertEquals(check, json.decode(text, SignalRequest.class));
    }

    @Test
    void theVersion1FormOfAWaitingPatientLeavesTheCheckOutAndVersion2RequiresIt() {
        WaitingPatient patient = new WaitingPatient(ID, "Erika", "", Instant.parse("2026-11-22T10:15:30Z"), true,
                Readiness.UNKNOWN, KioskSensors.NO_KIOSK, new PreCallCheck("picture", "heard", "heard", 120, 1_800));
        String version2 = json.encodeToString(new SignalEvent.WaitingRoom(1, List.of(patient)));
        String version1 = json.encodeToString(new SignalEvent.WaitingRoom(1, List.of(patient.asVersion1())));
        assertTrue(version2.contains("\"check\":{\"camera\":\"picture\""), version2);
        assertFalse(version1.contains("check"), version1);
        assertEquals(version2.replace(",\"check\":{\"camera\":\"picture\",\"microphone\":\"heard\","
                + "\"speaker\":\"heard\",\"roundTripMillis\":120,\"downKbps\":1800}", ""), version1,
                "version 1 is version 2 without the field");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(version1, SignalEvent.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), e.getMessage());
    }

    /** Each bad pre-call check is refused as invalid-field, naming what is wrong. */
    @ParameterizedTest
    @ValueSource(strings = {
        "'camera':'seen','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':1|camera",
        "'camera':null,'microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':1|camera",
        "'camera':'PICTURE','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':1|camera",
        "'camera':'picture','microphone':'loud','speaker':'heard','roundTripMillis':1,'downKbps':1|microphone",
        "'camera':'picture','microphone':'heard','speaker':'yes','roundTripMillis':1,'downKbps':1|speaker",
        "'camera':'picture','microphone':'heard','speaker':true,'roundTripMillis':1,'downKbps':1|speaker",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':-2,'downKbps':1|roundTripMillis",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':600001,'downKbps':1|roundTripMillis",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1.5,'downKbps':1|roundTripMillis",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':-5|downKbps",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':10000001|downKbps",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':'fast'|downKbps",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':-1,'downKbps':900|-1 together",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':40,'downKbps':-1|-1 together",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1|downKbps",
        "'camera':'picture','microphone':'heard','speaker':'heard','roundTripMillis':1,'downKbps':1,'picture':'x'|picture",
    })
    void aBadCheckIsRefusedAsInvalidFieldNamingTheField(String fieldsAndName) {
        String[] parts = fieldsAndName.split("\\|");
        String text = "{\"type\":\"check\",\"result\":{" + parts[0].replace('\'', '"') + "}}";
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"check\"}", "{\"type\":\"check\",\"result\":null}",
        "{\"type\":\"check\",\"result\":\"picture\"}",
        "{\"type\":\"check\",\"camera\":\"picture\",\"microphone\":\"heard\",\"speaker\":\"heard\","
                + "\"roundTripMillis\":1,\"downKbps\":1}",
        "{\"type\":\"ready\",\"readiness\":{\"camera\":true,\"microphone\":true,\"roundTripMillis\":1,"
                + "\"downKbps\":1}}"})
    void aCheckWithoutItsResultOrReadinessWithCheckFieldsIsRefused(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), e.getMessage());
    }

    @Test
    void numberedEventsCarryTheirSeqAndAnswersDoNot() {
        assertTrue(json.encodeToString(new SignalEvent.IceRestart(7)).contains("\"seq\":7"));
        assertFalse(json.encodeToString(new SignalEvent.Pong("a")).contains("seq"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"answer\"}",
        "{\"type\":\"answer\",\"sdp\":null}",
        "{\"type\":\"answer\",\"sdp\":\"\"}",
        "{\"type\":\"admit\",\"participant\":\"not-a-uuid\"}",
        "{\"type\":\"ready\",\"readiness\":{\"camera\":\"true\",\"microphone\":true,\"roundTripMillis\":1}}",
        "{\"type\":\"ready\",\"readiness\":{\"camera\":true,\"microphone\":true,\"roundTripMillis\":-2}}",
        "{\"type\":\"ice-candidate\",\"candidate\":\"a\",\"sdpMid\":\"0\",\"sdpMLineIndex\":64}",
        "{\"type\":\"ice-candidate\",\"candidate\":\"a\\u0000\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}",
        "{\"type\":\"leave\",\"extra\":1}",
        "{\"type\":\"quality\",\"rung\":\"hd\",\"reason\":\"\",\"pinned\":false}",
        "{\"type\":\"quality\",\"rung\":\"audio\",\"reason\":\"\"}",
        "{\"type\":\"chat\",\"text\":\"\"}",
        "{\"type\":\"chat\",\"text\":\"bell\\u0007\"}",
        "{\"type\":\"ready\",\"readiness\":{\"camera\":true,\"microphone\":true,\"sensors\":true,\"roundTripMillis\":1}}",
        "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"kiosk\",\"name\":\" Erika\"}}",
        "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"resume\",\"token\":\"short\",\"lastSeen\":0}}",
        "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"resume\",\"token\":\"" + TOKEN
                + "\",\"lastSeen\":-1}}",
        "{\"type\":\"hello\",\"protocolVersion\":1.5,\"credential\":{\"kind\":\"cookie\",\"consultation\":\"" + ID + "\"}}",
    })
    void invalidFieldsAreRefusedAsInvalidField(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertEquals(Reason.INVALID_FIELD, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"offer-please\"}",
        "{\"sdp\":\"v=0\"}",
        "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"password\",\"consultation\":\"" + ID + "\"}}",
    })
    void unknownTypesAndKindsAreRefused(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertEquals(Reason.UNKNOWN_TYPE, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"type\":\"leave\"} {\"type\":\"leave\"}",
        "{\"type\":\"leave\",\"type\":\"end\"}"})
    void brokenJsonTrailingDataAndDuplicateKeysAreRefused(String text) {
        // WireCodec reports trailing data as invalid-field (Jackson's mapping layer finds it); either way refused.
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> json.decode(text, SignalRequest.class));
        assertTrue(e.reason() == Reason.NOT_DECODABLE || e.reason() == Reason.INVALID_FIELD, e.getMessage());
    }

    @Test
    void aMessageOverTheLimitIsRefusedAsTooLarge() {
        WireCodec small = WireCodec.json(1_024);
        String big = json.encodeToString(new SignalRequest.Offer("v".repeat(2_000)));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> small.decode(big, SignalRequest.class));
        assertEquals(Reason.TOO_LARGE, e.reason());
    }

    @Test
    void secretsNeverPrintThemselves() {
        assertFalse(new Credential.Session(TOKEN, ID).toString().contains(TOKEN));
        assertFalse(new Credential.Resume(TOKEN, 1).toString().contains(TOKEN));
        assertFalse(new Credential.Code("K7M-4QX-9TR", "").toString().contains("K7M"));
        assertFalse(new IceServer(List.of("turn:t.example:3478"), "u", "s3cret").toString().contains("s3cret"));
        assertFalse(new SignalEvent.Welcome(1, ID, Participant.Role.PATIENT, ID, TOKEN,
                SignalEvent.SeatStatus.WAITING, 0).toString().contains(TOKEN));
        assertFalse(new SignalRequest.Chat("Kopfschmerzen").toString().contains("Kopf"), "chat is never printed");
        assertFalse(new SignalEvent.Chat(Participant.Role.DOCTOR, "Kopfschmerzen").toString().contains("Kopf"));
    }

    @Test
    void everyErrorCodeIsUniqueAndEveryFatalOneNamesACloseCode() {
        assertEquals(SignalError.values().length,
                java.util.Arrays.stream(SignalError.values()).map(SignalError::code).distinct().count());
        for (SignalError error : SignalError.values()) {
            assertTrue(error.closeCode() == 0 || error.closeCode() >= 1000, error.code());
        }
    }
}

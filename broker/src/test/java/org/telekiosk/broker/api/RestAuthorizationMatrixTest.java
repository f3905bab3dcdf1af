package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.IssuedCode;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * Every REST endpoint × every kind of caller, through a real broker over HTTPS (issue 3: "an authorization test
 * matrix: every REST endpoint … × role"). The table is the specification: one row per endpoint, one column per
 * caller, the status each must get. {@code {id}} is a fresh consultation of the doctor for each cell. A patient holds
 * a valid join code of that doctor and presents it as a bearer token: the REST API is for staff, so it opens nothing.
 * {@code {new}} is a kiosk id nobody has used, {@code {enrolled}} a kiosk enrolled for the cell (it holds a
 * certificate, so that a revocation has something to revoke).
 */
class RestAuthorizationMatrixTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    /**
     * Columns: anonymous, patient with code, other doctor, doctor of the consultation, technician, admin, a kiosk's
     * page (a kiosk page session, issue 3: it opens no staff endpoint; logging in as staff needs no session). For
     * {@code POST /api/v1/kiosk-session} each cell presents a kiosk page token: a fresh one in the kiosk column, a
     * used one in the others (a session does not help).
     */
    static final String MATRIX = """
            POST   /api/v1/session                  | 200 | 200 | 200 | 200 | 200 | 200 | 200
            DELETE /api/v1/session                  | 401 | 401 | 204 | 204 | 204 | 204 | 403
            GET    /api/v1/me                       | 401 | 401 | 200 | 200 | 200 | 200 | 403
            POST   /api/v1/accounts                 | 401 | 401 | 403 | 403 | 403 | 201 | 403
            GET    /api/v1/accounts                 | 401 | 401 | 403 | 403 | 403 | 200 | 403
            POST   /api/v1/consultations            | 401 | 401 | 201 | 201 | 403 | 403 | 403
            GET    /api/v1/consultations            | 401 | 401 | 200 | 200 | 403 | 403 | 403
            GET    /api/v1/consultations/{id}       | 401 | 401 | 404 | 200 | 403 | 403 | 403
            POST   /api/v1/consultations/{id}/end   | 401 | 401 | 404 | 200 | 403 | 403 | 403
            POST   /api/v1/consultations/{id}/codes | 401 | 401 | 404 | 201 | 403 | 403 | 403
            GET    /api/v1/consultations/{id}/fhir  | 401 | 401 | 404 | 200 | 403 | 403 | 403
            GET    /api/v1/consultations/{id}/commands | 401 | 401 | 404 | 200 | 403 | 403 | 403
            POST   /api/v1/consultations/{id}/commands | 401 | 401 | 404 | 409 | 403 | 403 | 403
            GET    /api/v1/consultations/{id}/record | 401 | 401 | 404 | 200 | 403 | 403 | 403
            GET    /api/v1/audit                    | 401 | 401 | 403 | 403 | 403 | 200 | 403
            GET    /api/v1/kiosks                   | 401 | 401 | 403 | 403 | 200 | 403 | 403
            GET    /api/v1/rooms                    | 401 | 401 | 200 | 200 | 403 | 403 | 403
            POST   /api/v1/kiosks/{new}/enrollment-tokens | 401 | 401 | 403 | 403 | 201 | 403 | 403
            POST   /api/v1/kiosks/{enrolled}/revocation   | 401 | 401 | 403 | 403 | 200 | 403 | 403
            GET    /api/v1/kiosk-session            | 401 | 401 | 403 | 403 | 403 | 403 | 200
            POST   /api/v1/kiosk-session            | 401 | 401 | 401 | 401 | 401 | 401 | 200
            """;

    enum Who { ANONYMOUS, PATIENT_WITH_CODE, OTHER_DOCTOR, DOCTOR, TECHNICIAN, ADMIN, KIOSK_PAGE }

    static final Map<Who, String> PASSWORDS = Map.of(Who.OTHER_DOCTOR, "schulz password 1",
            Who.DOCTOR, "weber password 1", Who.TECHNICIAN, "meyer password 1", Who.ADMIN, "admin password 1");
    static final Map<Who, String> LOGINS = Map.of(Who.OTHER_DOCTOR, "dr.schulz", Who.DOCTOR, "dr.weber",
            Who.TECHNICIAN, "tech.meyer", Who.ADMIN, "admin");
    static final AtomicInteger UNIQUE = new AtomicInteger();

    static RestClient client;
    static Account doctor;
    static final Map<Who, String> tokens = new java.util.EnumMap<>(Who.class);
    static final Map<Who, Account> staff = new java.util.EnumMap<>(Who.class);
    static String patientCode;
    static TestKiosk pageKiosk;
    static String kioskCookie;

    @BeforeAll
    static void accounts() throws Exception {
        client = new RestClient(BROKER);
        AccessServices access = BROKER.broker().access();
        Account admin = ((AccountCreation.Created) access.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of(PASSWORDS.get(Who.ADMIN)))).account();
        staff.put(Who.ADMIN, admin);
        for (Who who : List.of(Who.DOCTOR, Who.OTHER_DOCTOR, Who.TECHNICIAN)) {
            Role role = who == Who.TECHNICIAN ? Role.TECHNICIAN : Role.DOCTOR;
            Account created = ((AccountCreation.Created) access.accounts().createAccount(admin,
                    LoginName.of(LOGINS.get(who)), DisplayName.of(LOGINS.get(who)), role,
                    Password.of(PASSWORDS.get(who)))).account();
            staff.put(who, created);
        }
        doctor = staff.get(Who.DOCTOR);
        // The staff columns' sessions, started as a login starts them after the password check. The logins through
        // the REST API, each with its production Argon2id hash, are the matrix's POST /api/v1/session row and the
        // cookie login below; a session does not depend on how it was started.
        for (Who who : PASSWORDS.keySet()) {
            tokens.put(who, session(who));
        }
        IssuedCode code = done(access.codes().issue(new Caller.Staff(doctor), freshConsultation().id()));
        patientCode = code.code().formatted();
        pageKiosk = TestKiosk.enroll(BROKER, KioskId.of("matrix-page-kiosk"));
        kioskCookie = kioskSessionCookie(pageKiosk.pageToken(BROKER).token());
    }

    /** Redeems a kiosk page token as the kiosk page does; the {@code tk_session} cookie to send. */
    static String kioskSessionCookie(String token) {
        RestClient.Reply reply = client.send("POST", "/api/v1/kiosk-session", "{\"token\":\"" + token + "\"}",
                Map.of("Origin", BROKER.origin()));
        assertEquals(200, reply.status(), () -> reply.json().toString());
        String setCookie = reply.header("Set-Cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (String line : MATRIX.strip().split("\n")) {
            String[] columns = line.split("\\|");
            String[] endpoint = columns[0].strip().split("\\s+");
            for (Who who : Who.values()) {
                cells.add(Arguments.of(endpoint[0], endpoint[1], who,
                        Integer.parseInt(columns[who.ordinal() + 1].strip())));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {2} is answered {3}")
    @MethodSource("matrix")
    void everyEndpointAnswersEveryCallerAsTheMatrixSays(String method, String path, Who who, int expected)
            throws Exception {
        String concrete = path.contains("{id}") ? path.replace("{id}", freshConsultation().id().toString()) : path;
        concrete = concrete.replace("{new}", "matrix-new-" + UNIQUE.incrementAndGet());
        if (path.contains("{enrolled}")) {
            KioskId kiosk = KioskId.of("matrix-kiosk-" + UNIQUE.incrementAndGet());
            TestKiosk.enroll(BROKER, kiosk);
            concrete = concrete.replace("{enrolled}", kiosk.value());
        }
        String sent = concrete;
        String body = path.equals("/api/v1/kiosk-session") && method.equals("POST") ? kioskTokenBody(who)
                : body(method, path);
        RestClient.Reply reply = client.send(method, sent, body, headers(method, path, who));

        assertEquals(expected, reply.status(), () -> method + " " + path + " as " + who + ": " + reply.json());
        if (expected >= 400) {
            assertEquals("application/problem+json", reply.header("Content-Type"));
            assertEquals(expected, reply.json().path("status").asInt());
        }
    }

    @org.junit.jupiter.api.Test
    void theDoctorsFhirExportIsABundleServedAsFhirJsonForDownload() {
        String id = freshConsultation().id().toString();
        RestClient.Reply reply = client.send("GET", "/api/v1/consultations/" + id + "/fhir", null,
                headers("GET", "/fhir", Who.DOCTOR));

        assertEquals(200, reply.status());
        assertEquals("application/fhir+json; charset=utf-8", reply.header("Content-Type"));
        assertEquals("attachment; filename=\"consultation-" + id + ".fhir.json\"",
                reply.header("Content-Disposition"));
        assertEquals("Bundle", reply.json().path("resourceType").asText());
        assertEquals("collection", reply.json().path("type").asText());
    }

    @org.junit.jupiter.api.Test
    void anAdminReadsEveryAccessToAConsultationsHealthDataPageByPageNewestFirst() {
        String id = freshConsultation().id().toString();
        assertEquals(200, client.send("GET", "/api/v1/consultations/" + id + "/fhir", null,
                headers("GET", "/fhir", Who.DOCTOR)).status());
        RestClient.Reply record = client.send("GET", "/api/v1/consultations/" + id + "/record", null,
                headers("GET", "/record", Who.DOCTOR));
        assertEquals(200, record.status());
        assertEquals(id, record.json().path("consultation").asText());
        assertEquals("none", record.json().path("recording").asText());
        assertEquals("room", record.json().path("target").asText());

        Map<String, String> admin = headers("GET", "/audit", Who.ADMIN);
        RestClient.Reply first = client.send("GET", "/api/v1/audit?consultation=" + id + "&limit=1", null, admin);
        assertEquals(200, first.status(), () -> first.json().toString());
        assertEquals(1, first.json().path("entries").size());
        var newest = first.json().path("entries").get(0);
        assertEquals("record-exported", newest.path("action").asText());
        assertEquals("account:" + doctor.id(), newest.path("actor").asText());
        assertEquals(id, newest.path("consultation").asText());
        long next = first.json().path("next").asLong();
        assertEquals(newest.path("position").asLong(), next);

        RestClient.Reply second = client.send("GET", "/api/v1/audit?consultation=" + id + "&limit=1&before=" + next,
                null, admin);
        assertEquals("exported", second.json().path("entries").get(0).path("action").asText(), "the FHIR export");
        RestClient.Reply rest = client.send("GET", "/api/v1/audit?consultation=" + id + "&before=" + next, null,
                admin);
        assertEquals("consultation-created", rest.json().path("entries").get(rest.json().path("entries").size() - 1)
                .path("action").asText());
        assertTrue(rest.json().path("next").isNull(), "the last page has no next cursor");

        for (String bad : List.of("limit=0", "limit=501", "limit=x", "before=-1", "consultation=nope",
                "limit=1&limit=2")) {
            RestClient.Reply refused = client.send("GET", "/api/v1/audit?" + bad, null, admin);
            assertEquals(400, refused.status(), bad);
            assertEquals("application/problem+json", refused.header("Content-Type"));
        }
    }

    /** A fresh kiosk page token for the kiosk column, a used one for the others. */
    private static String kioskTokenBody(Who who) throws Exception {
        String token = pageKiosk.pageToken(BROKER).token();
        if (who != Who.KIOSK_PAGE) {
            kioskSessionCookie(token);
        }
        return "{\"token\":\"" + token + "\"}";
    }

    private static Map<String, String> headers(String method, String path, Who who) {
        if (path.equals("/api/v1/kiosk-session") && method.equals("POST")) {
            return switch (who) {
                case ANONYMOUS, KIOSK_PAGE -> Map.of("Origin", BROKER.origin());
                case PATIENT_WITH_CODE -> Map.of("Origin", BROKER.origin(), "Authorization", "Bearer " + patientCode);
                default -> Map.of("Origin", BROKER.origin(), "Authorization", "Bearer " + tokens.get(who));
            };
        }
        return switch (who) {
            case ANONYMOUS -> Map.of();
            case KIOSK_PAGE -> Map.of("Cookie", kioskCookie, "Origin", BROKER.origin());
            case PATIENT_WITH_CODE -> Map.of("Authorization", "Bearer " + patientCode);
            default -> Map.of("Authorization", "Bearer " + (method.equals("DELETE") && path.endsWith("/session")
                    // Logging out ends the session: a session of its own, so that the other cells keep theirs.
                    ? session(who) : tokens.get(who)));
        };
    }

    /** A new session of {@code who}'s account, as {@code POST /api/v1/session} starts one after the password check. */
    private static String session(Who who) {
        return BROKER.broker().access().sessions().start(staff.get(who).id()).token().value();
    }

    private static String body(String method, String path) {
        if (!method.equals("POST")) {
            return null;
        }
        return switch (path) {
            case "/api/v1/session" -> "{\"login\":\"dr.weber\",\"password\":\"weber password 1\"}";
            case "/api/v1/accounts" -> "{\"login\":\"dr.new" + UNIQUE.incrementAndGet() + "\",\"displayName\":"
                    + "\"Dr. New\",\"role\":\"doctor\",\"password\":\"a new long password\"}";
            case "/api/v1/consultations" -> "{\"kiosk\":\"wmk-lab-03\"}";
            case "/api/v1/kiosks/{new}/enrollment-tokens" -> "{\"label\":\"Matrix kiosk\"}";
            case "/api/v1/kiosks/{enrolled}/revocation" -> null;
            // Nobody is in the fresh consultation's call: the doctor is answered 409 (CommandServiceTest has the rest).
            case "/api/v1/consultations/{id}/commands" -> "{\"kind\":\"weight\"}";
            default -> "";
        };
    }

    private static Consultation freshConsultation() {
        return done(BROKER.broker().access().consultations().create(new Caller.Staff(doctor),
                new ConsultationTarget.Room(KioskId.of("wmk-lab-03")), Optional.empty()));
    }

    @Test
    void aBrowserLogsInWithTheCookieAndChangesThingsOnlyFromTheBrokersOwnOrigin() {
        RestClient.Reply login = client.send("POST", "/api/v1/session",
                "{\"login\":\"dr.weber\",\"password\":\"weber password 1\"}", Map.of("Origin", BROKER.origin()));
        String setCookie = login.header("Set-Cookie");
        assertTrue(setCookie.endsWith("; Path=/; HttpOnly; Secure; SameSite=Strict"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertEquals(200, client.send("GET", "/api/v1/me", null, Map.of("Cookie", cookie)).status());
        assertEquals(201, client.send("POST", "/api/v1/consultations", "{}",
                Map.of("Cookie", cookie, "Origin", BROKER.origin())).status());
        assertEquals(403, client.send("POST", "/api/v1/consultations", "{}",
                Map.of("Cookie", cookie, "Origin", "https://evil.example")).status());
        assertEquals(403, client.send("POST", "/api/v1/consultations", "{}", Map.of("Cookie", cookie)).status());
    }

    @Test
    void anOversizedBodyIsRefusedWith413AndTheSecurityHeadersComeWithEveryAnswer() {
        String big = "{\"patientName\":\"" + "x".repeat(RestApi.MAX_BODY_BYTES) + "\"}";
        RestClient.Reply reply = client.send("POST", "/api/v1/consultations", big,
                Map.of("Authorization", "Bearer " + tokens.get(Who.DOCTOR)));

        assertEquals(413, reply.status());
        assertEquals("application/problem+json", reply.header("Content-Type"));
        assertEquals("nosniff", reply.header("X-Content-Type-Options"));
        assertEquals("no-store", reply.header("Cache-Control"));
    }
}

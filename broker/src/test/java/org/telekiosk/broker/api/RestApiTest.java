package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.fhir.ReadingLinker;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;

/**
 * The REST API without a transport, on the real services over an SQLite file and a clock the test moves: what each
 * bad input, each credential and each moment in a session's or consultation's life is answered with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {
    static final String ORIGIN = "https://localhost:8443";
    static final ClientAddress CLIENT = ClientAddress.parse("192.0.2.10");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T08:00:00Z");
    AccessServices services;
    MeasurementStore store;
    RestApi api;

    @org.junit.jupiter.api.AfterAll
    void closeStore() {
        store.close();
    }

    @BeforeAll
    void startServices() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        AccessConfig config = new AccessConfig(Duration.ofHours(12), Duration.ofMinutes(30), Duration.ofHours(24),
                Duration.ofHours(24), Duration.ofSeconds(60), Duration.ofDays(90), Duration.ofDays(90),
                Duration.ofMinutes(1), 64, 2);
        services = TestHashing.open(new SqlAccess(database), config, dir, new SecureRandom(), clock);
        store = MeasurementStore.open(database, Duration.ofMinutes(5), clock);
        api = new RestApi(new ApiServices(services.accounts(), services.logins(), services.consultations(),
                services.codes(), Optional.empty(), Optional.of(new ConsultationFhirExport(services.consultations(),
                        new ReadingLinker(store), clock))), List.of(ORIGIN), 2, clock);
        var admin = ((AccountCreation.Created) services.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        services.accounts().createAccount(admin, LoginName.of("dr.weber"), DisplayName.of("Dr. Anna Weber"),
                Role.DOCTOR, Password.of("weber password 1"));
    }

    record Reply(int status, JsonNode body, ApiResponse raw) {
        String detail() {
            return body.path("detail").asText();
        }

        String header(String name) {
            return raw.headers().get(name);
        }
    }

    Reply call(String method, String path, String body, Optional<String> origin, Optional<String> authorization,
            Optional<String> cookie, ClientAddress from) {
        ApiResponse response = api.handle(new ApiRequest(method, path, origin, authorization, cookie,
                Optional.of("application/json"), body.getBytes(StandardCharsets.UTF_8), from));
        try {
            JsonNode json = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            return new Reply(response.status(), json, response);
        } catch (IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }

    Reply bearer(String method, String path, String body, String token) {
        return call(method, path, body, Optional.empty(), Optional.of("Bearer " + token), Optional.empty(), CLIENT);
    }

    String login(String name, String password) {
        Reply reply = call("POST", "/api/v1/session", "{\"login\":\"" + name + "\",\"password\":\"" + password + "\"}",
                Optional.empty(), Optional.empty(), Optional.empty(), CLIENT);
        assertEquals(200, reply.status(), reply.body()::toString);
        return reply.body().path("token").asText();
    }

    String doctor() {
        return login("dr.weber", "weber password 1");
    }

    @Test
    void aLoginSetsAnHttpOnlySecureSameSiteStrictCookieAndReturnsTheSameTokenInTheBody() {
        Reply reply = call("POST", "/api/v1/session", "{\"login\":\"Dr.Weber\",\"password\":\"weber password 1\"}",
                Optional.of(ORIGIN), Optional.empty(), Optional.empty(), CLIENT);

        assertEquals(200, reply.status());
        String token = reply.body().path("token").asText();
        assertEquals("tk_session=" + token + "; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Strict",
                reply.header("Set-Cookie"));
        assertEquals("doctor", reply.body().path("account").path("role").asText());
        assertEquals(clock.instant().plus(Duration.ofHours(12)).toString(), reply.body().path("expiresAt").asText());
    }

    @Test
    void theCookieOpensMeAndLogoutEndsTheSessionAndClearsTheCookie() {
        String token = doctor();
        Optional<String> cookie = Optional.of("theme=dark; tk_session=" + token);
        Reply me = call("GET", "/api/v1/me", "", Optional.empty(), Optional.empty(), cookie, CLIENT);
        assertEquals(200, me.status());
        assertEquals("Dr. Anna Weber", me.body().path("account").path("displayName").asText());

        Reply out = call("DELETE", "/api/v1/session", "", Optional.of(ORIGIN), Optional.empty(), cookie, CLIENT);
        assertEquals(204, out.status());
        assertTrue(out.header("Set-Cookie").startsWith("tk_session=; Max-Age=0;"));
        Reply after = call("GET", "/api/v1/me", "", Optional.empty(), Optional.empty(), cookie, CLIENT);
        assertEquals(401, after.status());
        assertEquals("Bearer realm=\"telekiosk\"", after.header("WWW-Authenticate"));
    }

    @Test
    void aCookieAuthenticatedChangeNeedsAnAllowedOriginWhileABearerTokenNeedsNone() {
        String token = doctor();
        Optional<String> cookie = Optional.of("tk_session=" + token);
        String body = "{\"patientName\":\"Frau Koch\"}";

        Reply noOrigin = call("POST", "/api/v1/consultations", body, Optional.empty(), Optional.empty(), cookie,
                CLIENT);
        Reply foreign = call("POST", "/api/v1/consultations", body, Optional.of("https://evil.example"),
                Optional.empty(), cookie, CLIENT);
        Reply allowed = call("POST", "/api/v1/consultations", body, Optional.of(ORIGIN), Optional.empty(), cookie,
                CLIENT);
        Reply bearer = bearer("POST", "/api/v1/consultations", body, token);
        Reply bearerForeign = call("POST", "/api/v1/consultations", body, Optional.of("https://evil.example"),
                Optional.of("Bearer " + token), Optional.empty(), CLIENT);
        Reply foreignRead = call("GET", "/api/v1/consultations", "", Optional.of("https://evil.example"),
                Optional.empty(), cookie, CLIENT);

        assertEquals(List.of(403, 403, 201, 201, 403, 200), List.of(noOrigin.status(), foreign.status(),
                allowed.status(), bearer.status(), bearerForeign.status(), foreignRead.status()));
        assertEquals("origin-refused", noOrigin.body().path("code").asText());
    }

    @Test
    void aLoginFromAForeignOriginIsRefusedSoThatNoPageCanLogABrowserIntoAnotherAccount() {
        Reply reply = call("POST", "/api/v1/session", "{\"login\":\"dr.weber\",\"password\":\"weber password 1\"}",
                Optional.of("https://evil.example"), Optional.empty(), Optional.empty(), CLIENT);

        assertEquals(403, reply.status());
        assertEquals(null, reply.header("Set-Cookie"));
    }

    @Test
    void malformedJsonUnknownFieldsDuplicateKeysAndWrongTypesAreRefusedWithAClearDetail() {
        String token = doctor();
        record Case(String body, String detail) {}
        List<Case> cases = List.of(
                new Case("{\"patientName\":", "malformed JSON"),
                new Case("{\"patientName\":\"A\",\"recording\":true}", "unknown field 'recording'"),
                new Case("{\"patientName\":\"A\",\"patientName\":\"B\"}", "Duplicate field 'patientName'"),
                new Case("{\"patientName\":42}", "field 'patientName' has the wrong type"),
                new Case("[1,2]", "the body must be a JSON object"),
                new Case("{} {}", "malformed JSON"),
                new Case("", "a JSON object is required"),
                new Case("{\"kiosk\":\"wmk-lab-03\",\"patientName\":\"A\"}", "not both"),
                new Case("{\"accessWindow\":\"P31D\"}", "at most 30 days"),
                new Case("{\"accessWindow\":\"tomorrow\"}", "ISO-8601 duration"),
                new Case("{\"patientName\":\"\\u0007bell\"}", "control characters"));
        for (Case c : cases) {
            Reply reply = bearer("POST", "/api/v1/consultations", c.body(), token);
            assertEquals(400, reply.status(), c.body());
            assertTrue(reply.detail().contains(c.detail()), () -> c.body() + " -> " + reply.detail());
            assertEquals("application/problem+json", reply.raw().contentType());
        }
    }

    @Test
    void aBodyThatIsNotDeclaredAsJsonIsRefusedWith415() {
        ApiResponse response = api.handle(new ApiRequest("POST", "/api/v1/session", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("application/x-www-form-urlencoded"),
                "login=a&password=b".getBytes(StandardCharsets.UTF_8), CLIENT));

        assertEquals(415, response.status());
    }

    @Test
    void theSixthWrongPasswordFromOneAddressIsThrottledWithRetryAfterAndAnIdleSessionEnds() {
        ClientAddress guesser = ClientAddress.parse("198.51.100.7");
        for (int i = 0; i < 5; i++) {
            Reply wrong = call("POST", "/api/v1/session", "{\"login\":\"nobody\",\"password\":\"guess " + i + "\"}",
                    Optional.empty(), Optional.empty(), Optional.empty(), guesser);
            assertEquals(401, wrong.status());
        }
        Reply throttled = call("POST", "/api/v1/session", "{\"login\":\"dr.weber\",\"password\":\"x\"}",
                Optional.empty(), Optional.empty(), Optional.empty(), guesser);
        assertEquals(429, throttled.status());
        assertEquals("30", throttled.header("Retry-After"));

        String token = doctor();
        clock.advance(Duration.ofMinutes(31));
        Reply idle = bearer("GET", "/api/v1/me", "", token);
        assertEquals(401, idle.status());
        assertTrue(idle.detail().contains("idle"), idle.detail());
    }

    @Test
    void thirtyLoginsPerMinuteFromOneAddressThenTheNextIs429WithRetryAfterWhileOtherAddressesLogIn() {
        // An address of its own: the API (and its per-address rate) is shared by this class's tests.
        ClientAddress practice = ClientAddress.parse("192.0.2.201");
        String weber = "{\"login\":\"dr.weber\",\"password\":\"weber password 1\"}";
        for (int i = 0; i < 30; i++) {
            Reply ok = call("POST", "/api/v1/session", weber, Optional.empty(), Optional.empty(), Optional.empty(),
                    practice);
            assertEquals(200, ok.status(), ok.body()::toString);
        }
        Reply limited = call("POST", "/api/v1/session", weber, Optional.empty(), Optional.empty(), Optional.empty(),
                practice);
        assertEquals(429, limited.status());
        assertEquals("throttled", limited.body().path("code").asText(), limited.body()::toString);
        assertEquals("60", limited.header("Retry-After"));
        Reply elsewhere = call("POST", "/api/v1/session", weber, Optional.empty(), Optional.empty(), Optional.empty(),
                ClientAddress.parse("203.0.113.80"));
        assertEquals(200, elsewhere.status());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(200, call("POST", "/api/v1/session", weber, Optional.empty(), Optional.empty(), Optional.empty(),
                practice).status());
    }

    @Test
    void aCodeIsShownOnceAndAnEndedConsultationGetsNoMoreCodesAndAnExpiredOneAnswers410() {
        String token = doctor();
        String id = bearer("POST", "/api/v1/consultations", "{\"kiosk\":\"wmk-lab-03\",\"accessWindow\":\"PT2H\"}",
                token).body().path("id").asText();
        Reply code = bearer("POST", "/api/v1/consultations/" + id + "/codes", "", token);
        assertEquals(201, code.status());
        assertTrue(code.body().path("code").asText().matches("[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}"));

        String other = bearer("POST", "/api/v1/consultations", "{}", token).body().path("id").asText();
        assertEquals("ended", bearer("POST", "/api/v1/consultations/" + other + "/end", "", token).body()
                .path("state").asText());
        Reply afterEnd = bearer("POST", "/api/v1/consultations/" + other + "/codes", "", token);
        assertEquals(409, afterEnd.status());
        assertEquals("illegal-transition", afterEnd.body().path("code").asText());

        clock.advance(Duration.ofHours(2));
        Reply expired = bearer("POST", "/api/v1/consultations/" + id + "/codes", "", doctor());
        assertEquals(410, expired.status());
        assertEquals("access-expired", expired.body().path("code").asText());
    }

    @Test
    void aConsultationWithoutReadingsExportsAsAnEmptyCollectionBundleAndTheExportOnlyAnswersGet() {
        String token = doctor();
        String id = bearer("POST", "/api/v1/consultations", "{\"kiosk\":\"wmk-lab-07\"}", token).body().path("id")
                .asText();

        Reply export = bearer("GET", "/api/v1/consultations/" + id + "/fhir", "", token);
        assertEquals(200, export.status());
        assertEquals("application/fhir+json; charset=utf-8", export.raw().contentType());
        assertEquals("Bundle", export.body().path("resourceType").asText());
        assertEquals("collection", export.body().path("type").asText());
        assertEquals("urn:uuid:" + id, export.body().path("identifier").path("value").asText());
        assertTrue(export.body().path("entry").isMissingNode() || export.body().path("entry").isEmpty());

        Reply post = bearer("POST", "/api/v1/consultations/" + id + "/fhir", "", token);
        assertEquals(405, post.status());
        assertEquals("GET", post.header("Allow"));
        assertEquals(404, bearer("GET", "/api/v1/consultations/not-a-uuid/fhir", "", token).status());
    }

    @Test
    void anUnknownPathIs404AndAWrongMethodIs405WithAllow() {
        String token = doctor();
        assertEquals(404, bearer("GET", "/api/v1/recordings", "", token).status());
        assertEquals(404, bearer("GET", "/api/v2/me", "", token).status());
        assertEquals(404, bearer("GET", "/api/v1/consultations/not-a-uuid", "", token).status());
        Reply put = bearer("PUT", "/api/v1/consultations", "{}", token);
        assertEquals(405, put.status());
        assertEquals("GET, POST", put.header("Allow"));
    }

    @Test
    void aPathThatSpellsARouteTemplateIsAnIdLikeAnyOtherAndAnIdInAnotherSegmentMatchesNoRoute() {
        String token = doctor();
        assertEquals(404, bearer("GET", "/api/v1/consultations/{id}", "", token).status());
        assertEquals(404, bearer("POST", "/api/v1/consultations/{id}/end", "", token).status());
        assertEquals(404, bearer("POST", "/api/v1/consultations/x/y/end", "", token).status());
        assertEquals(404, bearer("GET", "/api/v1/me/x", "", token).status());
    }

    @Test
    void aWeakPasswordForANewAccountIsRefusedWithEachProblemAndATakenLoginNameWith409() {
        String admin = login("admin", "admin password 1");
        Reply weak = bearer("POST", "/api/v1/accounts",
                "{\"login\":\"dr.kurz\",\"displayName\":\"Dr. Kurz\",\"role\":\"doctor\",\"password\":\"short\"}",
                admin);
        assertEquals(400, weak.status());
        assertEquals("weak-password", weak.body().path("code").asText());
        assertTrue(weak.body().path("problems").get(0).asText().contains("at least 12"));

        Reply taken = bearer("POST", "/api/v1/accounts", "{\"login\":\"dr.weber\",\"displayName\":\"Dr. W\","
                + "\"role\":\"doctor\",\"password\":\"a long enough one\"}", admin);
        assertEquals(409, taken.status());
        Reply badRole = bearer("POST", "/api/v1/accounts", "{\"login\":\"x.y\",\"displayName\":\"X\","
                + "\"role\":\"patient\",\"password\":\"a long enough one\"}", admin);
        assertEquals(400, badRole.status());
        assertEquals("field 'role' must be one of doctor, technician, admin", badRole.detail());
    }
}

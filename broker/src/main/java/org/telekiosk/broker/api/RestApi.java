package org.telekiosk.broker.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordProblem;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.api.ApiMessages.AccountList;
import org.telekiosk.broker.api.ApiMessages.AccountView;
import org.telekiosk.broker.api.ApiMessages.ConsultationList;
import org.telekiosk.broker.api.ApiMessages.ConsultationView;
import org.telekiosk.broker.api.ApiMessages.CreateAccount;
import org.telekiosk.broker.api.ApiMessages.CreateConsultation;
import org.telekiosk.broker.api.ApiMessages.IssuedCodeView;
import org.telekiosk.broker.api.ApiMessages.LoginRequest;
import org.telekiosk.broker.api.ApiMessages.Me;
import org.telekiosk.broker.api.ApiMessages.SessionResponse;
import org.telekiosk.broker.consultation.Caller;
import org.telekiosk.broker.consultation.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.Outcome;
import org.telekiosk.broker.consultation.Refusal;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.store.StoreException;
import org.telekiosk.protocol.KioskId;

/**
 * The REST API of {@code docs/api.md}, without a transport: the Netty adapter hands over an {@link ApiRequest} and
 * writes back the {@link ApiResponse}. Everything here blocks (database, Argon2id), so the adapter calls
 * {@link #handle} on its own executor, never on an event loop; Argon2id runs at most {@code maxConcurrentHashes} at
 * once, since each takes 64 MiB.
 *
 * <p>Authentication is a session token in the {@value #COOKIE} cookie or an {@code Authorization: Bearer} header.
 * A state-changing request (not GET or HEAD) that carries an {@code Origin} not on the allow-list is refused, and one
 * authenticated by the cookie must carry an allowed {@code Origin} (CSRF: a browser sends it on every cross-site
 * POST and DELETE; a header the page cannot set, unlike a cookie, which the browser adds by itself).
 */
public final class RestApi {
    /** The session cookie's name. */
    public static final String COOKIE = "tk_session";
    /** The largest request body accepted, in bytes; a larger one is answered 413. */
    public static final int MAX_BODY_BYTES = 8 * 1024;
    private static final String PREFIX = "/api/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    /**
     * The services this API calls (all blocking).
     *
     * @param kiosks the technician's kiosk operations; empty: the {@code /kiosks} endpoints answer 404 (an API
     *               without kiosk PKI, as in the tests of the account and consultation endpoints)
     * @param fhir   the FHIR export of consultations (issue 7); empty: {@code /consultations/{id}/fhir} answers 404
     * @param kioskPages kiosk page tokens (issue 3); empty: {@code /kiosk-session} answers 404
     * @param commands the measurement commands (issue 7); empty: {@code /consultations/{id}/commands} answers 404
     * @param readings where command results are looked up; empty: results are listed by sequence number only
     * @param records  the consultations' records; empty: {@code /consultations/{id}/record} answers 404
     * @param audit    the audit log for admins; empty: {@code /audit} answers 404
     */
    public record Services(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
            Optional<KioskPageTokens> kioskPages, Optional<org.telekiosk.broker.command.CommandService> commands,
            Optional<org.telekiosk.broker.store.MeasurementStore> readings,
            Optional<org.telekiosk.broker.record.RecordExport> records,
            Optional<org.telekiosk.broker.audit.AuditLog> audit) {
        /** Without records and the audit log. */
        public Services(AccountService accounts, LoginService logins, ConsultationService consultations,
                JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
                Optional<KioskPageTokens> kioskPages, Optional<org.telekiosk.broker.command.CommandService> commands,
                Optional<org.telekiosk.broker.store.MeasurementStore> readings) {
            this(accounts, logins, consultations, codes, kiosks, fhir, kioskPages, commands, readings,
                    Optional.empty(), Optional.empty());
        }

        public Services {
            Objects.requireNonNull(records, "records");
            Objects.requireNonNull(audit, "audit");
            Objects.requireNonNull(kioskPages, "kioskPages");
            Objects.requireNonNull(accounts, "accounts");
            Objects.requireNonNull(logins, "logins");
            Objects.requireNonNull(consultations, "consultations");
            Objects.requireNonNull(codes, "codes");
            Objects.requireNonNull(kiosks, "kiosks");
            Objects.requireNonNull(fhir, "fhir");
            Objects.requireNonNull(commands, "commands");
            Objects.requireNonNull(readings, "readings");
        }

        /** Without kiosk page sessions and measurement commands. */
        public Services(AccountService accounts, LoginService logins, ConsultationService consultations,
                JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir) {
            this(accounts, logins, consultations, codes, kiosks, fhir, Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        /** Without kiosk administration, FHIR export, kiosk page sessions and measurement commands. */
        public Services(AccountService accounts, LoginService logins, ConsultationService consultations,
                JoinCodes codes) {
            this(accounts, logins, consultations, codes, Optional.empty(), Optional.empty());
        }
    }

    private final Services services;
    private final Optional<org.telekiosk.broker.config.VitalRanges> vitalRanges;
    private final KioskEndpoints kiosks;
    private final KioskPageEndpoints kioskPages;
    private final CommandEndpoints commands;
    private final RecordEndpoints records;
    private final AuditEndpoints audit;
    private final Set<String> allowedOrigins;
    private final Semaphore hashing;
    private final Clock clock;

    public RestApi(Services services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock) {
        this(services, allowedOrigins, maxConcurrentHashes, clock, Optional.empty());
    }

    /** With {@code GET /api/v1/vital-ranges} answering {@code vitalRanges} (404 when empty). */
    public RestApi(Services services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock,
            Optional<org.telekiosk.broker.config.VitalRanges> vitalRanges) {
        this.vitalRanges = Objects.requireNonNull(vitalRanges, "vitalRanges");
        this.services = Objects.requireNonNull(services, "services");
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.hashing = new Semaphore(maxConcurrentHashes, true);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.kiosks = new KioskEndpoints(this, services.kiosks());
        this.kioskPages = new KioskPageEndpoints(this, services.kioskPages(), clock);
        this.commands = new CommandEndpoints(this, services.commands(), services.readings());
        this.records = new RecordEndpoints(this, services.records());
        this.audit = new AuditEndpoints(this, services.audit());
    }

    /** Whether {@code path} belongs to this API (the adapter passes everything else on). */
    public static boolean owns(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** Answers one request. Blocking; never throws. */
    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request);
        } catch (ApiJson.BadRequest e) {
            return Problems.of(400, e.getMessage(), "bad-request");
        } catch (Refused e) {
            return e.response;
        } catch (StoreException e) {
            LOG.warn("{} failed, database unavailable: {}", request, e.getMessage());
            return Problems.of(503, "the database is unavailable; try again shortly", "unavailable")
                    .withHeader("Retry-After", "5");
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", request, e.toString());
            LOG.debug("Details", e);
            return Problems.of(500, "the broker could not answer this request", "internal");
        }
    }

    private ApiResponse route(ApiRequest r) {
        if (!r.path().startsWith(PREFIX)) {
            return Problems.of(404, "no such endpoint; the API is under " + PREFIX, "no-such-endpoint");
        }
        List<String> p = List.of(r.path().substring(PREFIX.length()).split("/", -1));
        String m = r.method();
        return switch (p.size()) {
            case 1 -> switch (p.getFirst()) {
                case "session" -> m.equals("POST") ? login(r) : m.equals("DELETE") ? logout(r) : notAllowed(m,
                        "POST, DELETE");
                case "me" -> m.equals("GET") ? me(r) : notAllowed(m, "GET");
                case "accounts" -> m.equals("POST") ? createAccount(r) : m.equals("GET") ? listAccounts(r)
                        : notAllowed(m, "GET, POST");
                case "consultations" -> m.equals("POST") ? createConsultation(r)
                        : m.equals("GET") ? listConsultations(r) : notAllowed(m, "GET, POST");
                case "kiosks" -> m.equals("GET") ? kiosks.fleet(r) : notAllowed(m, "GET");
                case "rooms" -> m.equals("GET") ? kiosks.rooms(r) : notAllowed(m, "GET");
                case "audit" -> !audit.present() ? noSuchEndpoint() : m.equals("GET") ? audit.page(r)
                        : notAllowed(m, "GET");
                case "kiosk-session" -> m.equals("POST") ? kioskPages.start(r) : m.equals("GET") ? kioskPages.me(r)
                        : notAllowed(m, "GET, POST");
                // Configuration, no personal data: no login needed (the call view loads it with the page).
                case "vital-ranges" -> !m.equals("GET") ? notAllowed(m, "GET")
                        : vitalRanges.map(v -> json(200, v.view())).orElseGet(RestApi::noSuchEndpoint);
                default -> noSuchEndpoint();
            };
            case 2 -> p.getFirst().equals("consultations")
                    ? m.equals("GET") ? getConsultation(r, p.get(1)) : notAllowed(m, "GET")
                    : noSuchEndpoint();
            case 3 -> switch (p.getFirst()) {
                case "consultations" -> switch (p.get(2)) {
                    case "end" -> m.equals("POST") ? endConsultation(r, p.get(1)) : notAllowed(m, "POST");
                    case "codes" -> m.equals("POST") ? issueCode(r, p.get(1)) : notAllowed(m, "POST");
                    case "fhir" -> services.fhir().isEmpty() ? noSuchEndpoint()
                            : m.equals("GET") ? exportFhir(r, p.get(1)) : notAllowed(m, "GET");
                    case "record" -> !records.present() ? noSuchEndpoint()
                            : m.equals("GET") ? records.get(r, consultationId(p.get(1))) : notAllowed(m, "GET");
                    case "commands" -> !commands.present() ? noSuchEndpoint()
                            : m.equals("POST") ? commands.issue(r, consultationId(p.get(1)))
                            : m.equals("GET") ? commands.list(r, consultationId(p.get(1))) : notAllowed(m, "GET, POST");
                    default -> noSuchEndpoint();
                };
                case "kiosks" -> switch (p.get(2)) {
                    case "enrollment-tokens" -> m.equals("POST") ? kiosks.createToken(r, p.get(1))
                            : notAllowed(m, "POST");
                    case "revocation" -> m.equals("POST") ? kiosks.revoke(r, p.get(1)) : notAllowed(m, "POST");
                    default -> noSuchEndpoint();
                };
                default -> noSuchEndpoint();
            };
            default -> noSuchEndpoint();
        };
    }

    // --- session -------------------------------------------------------------------------------------------------

    private ApiResponse login(ApiRequest r) {
        refuseForeignOrigin(r);
        LoginRequest body = ApiJson.read(requireJson(r), LoginRequest.class);
        LoginName login = parse("login", () -> LoginName.of(required("login", body.login())));
        Password password = Password.of(required("password", body.password()));
        LoginResult result = hashed(() -> services.logins().login(login, password, r.from()));
        return switch (result) {
            case LoginResult.LoggedIn in -> json(200, new SessionResponse(AccountView.of(in.account()),
                    in.token().value(), in.expiresAt().toString()))
                    .withHeader("Set-Cookie", cookie(in.token().value(),
                            Math.max(0, Duration.between(clock.instant(), in.expiresAt()).toSeconds())));
            case LoginResult.InvalidCredentials x -> Problems.of(401, "the login name or the password is wrong",
                    "invalid-credentials");
            case LoginResult.Throttled t -> Problems.throttled(t.retryAfter(),
                    "too many failed logins for this name or from this address");
        };
    }

    private ApiResponse logout(ApiRequest r) {
        Authenticated who = authenticate(r, true);
        services.logins().logout(who.token());
        return ApiResponse.noContent(Map.of("Set-Cookie", cookie("", 0)));
    }

    private ApiResponse me(ApiRequest r) {
        Authenticated who = authenticate(r, false);
        return json(200, new Me(AccountView.of(who.session().account()), who.session().expiresAt().toString(),
                who.session().idleDeadline().toString()));
    }

    // --- accounts ------------------------------------------------------------------------------------------------

    private ApiResponse createAccount(ApiRequest r) {
        Account admin = requireRole(authenticate(r, true), Role.ADMIN);
        CreateAccount body = ApiJson.read(requireJson(r), CreateAccount.class);
        LoginName login = parse("login", () -> LoginName.of(required("login", body.login())));
        DisplayName name = parse("displayName", () -> DisplayName.of(required("displayName", body.displayName())));
        Role role = parse("role", () -> Role.valueOf(required("role", body.role()).toUpperCase(Locale.ROOT)));
        Password password = Password.of(required("password", body.password()));
        AccountCreation created = hashed(() -> services.accounts().createAccount(admin, login, name, role, password));
        return switch (created) {
            case AccountCreation.Created c -> json(201, AccountView.of(c.account()));
            case AccountCreation.WeakPassword weak -> Problems.of(400, "the password is not acceptable",
                    "weak-password", weak.problems().stream().map(PasswordProblem::message).toList());
            case AccountCreation.LoginNameTaken x -> Problems.of(409, "the login name '" + login + "' is taken",
                    "login-name-taken");
            case AccountCreation.NotAllowed no -> Problems.of(403, no.reason(), "forbidden");
        };
    }

    private ApiResponse listAccounts(ApiRequest r) {
        Account admin = requireRole(authenticate(r, false), Role.ADMIN);
        return json(200, new AccountList(services.accounts().list(admin).orElseThrow().stream()
                .map(AccountView::of).toList()));
    }

    // --- consultations -------------------------------------------------------------------------------------------

    private ApiResponse createConsultation(ApiRequest r) {
        Caller.Staff doctor = new Caller.Staff(requireRole(authenticate(r, true), Role.DOCTOR));
        CreateConsultation body = ApiJson.read(requireJson(r), CreateConsultation.class);
        ConsultationTarget target;
        if (body.kiosk() != null) {
            if (body.patientName() != null) {
                throw new ApiJson.BadRequest("give either 'kiosk' (a room consultation) or 'patientName' (a patient"
                        + " consultation), not both");
            }
            target = new ConsultationTarget.Room(parse("kiosk", () -> KioskId.of(body.kiosk())));
        } else {
            target = new ConsultationTarget.Patient(Optional.ofNullable(body.patientName())
                    .map(n -> parse("patientName", () -> DisplayName.of(n))));
        }
        Optional<Duration> window = Optional.ofNullable(body.accessWindow()).map(RestApi::duration);
        var consultation = done(services.consultations().create(doctor, target, window));
        return json(201, ConsultationView.of(consultation))
                .withHeader("Location", PREFIX + "consultations/" + consultation.id());
    }

    private ApiResponse listConsultations(ApiRequest r) {
        Caller caller = new Caller.Staff(authenticate(r, false).session().account());
        return json(200, new ConsultationList(done(services.consultations().listMine(caller)).stream()
                .map(ConsultationView::of).toList()));
    }

    private ApiResponse getConsultation(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(authenticate(r, false).session().account());
        return json(200, ConsultationView.of(done(services.consultations().get(caller, consultationId(id)))));
    }

    private ApiResponse endConsultation(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(authenticate(r, true).session().account());
        return json(200, ConsultationView.of(done(services.consultations().end(caller, consultationId(id)))));
    }

    private ApiResponse issueCode(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(authenticate(r, true).session().account());
        var issued = done(services.codes().issue(caller, consultationId(id)));
        return json(201, new IssuedCodeView(issued.consultation().toString(), issued.code().formatted(),
                issued.expiresAt().toString()));
    }

    // --- FHIR export (issue 7) ----------------------------------------------------------------------------------

    private ApiResponse exportFhir(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(authenticate(r, false).session().account());
        ConsultationId consultation = consultationId(id);
        String bundle = done(services.fhir().orElseThrow().json(caller, consultation));
        return new ApiResponse(200, ConsultationFhirExport.MEDIA_TYPE + "; charset=utf-8",
                bundle.getBytes(StandardCharsets.UTF_8), Map.of("Content-Disposition",
                        "attachment; filename=\"consultation-" + consultation + ".fhir.json\""));
    }

    // --- authentication, CSRF, parsing ---------------------------------------------------------------------------

    record Authenticated(OpaqueToken token, SessionLookup.Active session, boolean byCookie) {}

    /**
     * The staff session of the request's token (Bearer first, then the cookie), or a 401; a kiosk page session is
     * refused with 403. For a state-changing request ({@code changes}) the CSRF rule applies.
     */
    Authenticated authenticate(ApiRequest r, boolean changes) {
        Looked looked = lookUp(r, changes);
        return switch (looked.lookup()) {
            case SessionLookup.Active active -> new Authenticated(looked.token(), active, looked.byCookie());
            case SessionLookup.Kiosk kiosk -> throw new Refused(Problems.of(403, "a kiosk page session may not use"
                    + " the staff endpoints; log in with an account", "kiosk-session"));
            case SessionLookup.Refused refused -> throw new Refused(unauthenticated(refused));
        };
    }

    /** A session token and what it is worth now (any principal), from the request. */
    record Looked(OpaqueToken token, SessionLookup lookup, boolean byCookie) {}

    Looked lookUp(ApiRequest r, boolean changes) {
        if (changes) {
            refuseForeignOrigin(r);
        }
        Optional<String> bearer = r.authorization().map(String::strip)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).strip());
        if (r.authorization().isPresent() && bearer.isEmpty()) {
            throw new Refused(unauthenticated("the Authorization header must be 'Bearer <session token>'"));
        }
        boolean byCookie = bearer.isEmpty();
        Optional<String> text = bearer.or(() -> r.cookie().flatMap(RestApi::sessionCookie));
        if (text.isEmpty()) {
            throw new Refused(unauthenticated("log in first: no session token in a " + COOKIE
                    + " cookie or an Authorization: Bearer header"));
        }
        if (byCookie && changes && r.origin().filter(allowedOrigins::contains).isEmpty()) {
            throw new Refused(Problems.of(403, "a request authenticated by the session cookie must carry an"
                    + " allowed Origin header (cross-site request forgery protection)", "origin-refused"));
        }
        OpaqueToken token = OpaqueToken.parse(text.get()).orElseThrow(
                () -> new Refused(unauthenticated("the session token is not valid")));
        return new Looked(token, services.logins().authenticate(token), byCookie);
    }

    static ApiResponse unauthenticated(SessionLookup.Refused refused) {
        return unauthenticated(switch (refused.reason()) {
            case UNKNOWN -> "the session token is not valid (never issued, logged out, or its kiosk revoked)";
            case EXPIRED -> "the session has expired; log in again";
            case IDLE -> "the session ended after being idle; log in again";
        });
    }

    /** Refuses a request whose {@code Origin} is absent or not on the allow-list (403). */
    void requireAllowedOrigin(ApiRequest r) {
        if (r.origin().filter(allowedOrigins::contains).isEmpty()) {
            throw new Refused(Problems.of(403, "this request must carry an allowed Origin header (cross-site request"
                    + " forgery protection)", "origin-refused"));
        }
    }

    private void refuseForeignOrigin(ApiRequest r) {
        if (r.origin().isPresent() && !allowedOrigins.contains(r.origin().get())) {
            throw new Refused(Problems.of(403, "requests from this Origin are not allowed (cross-site request"
                    + " forgery protection)", "origin-refused"));
        }
    }

    private static ApiResponse unauthenticated(String detail) {
        return Problems.of(401, detail, "not-authenticated").withHeader("WWW-Authenticate",
                "Bearer realm=\"telekiosk\"");
    }

    static Account requireRole(Authenticated who, Role role) {
        Account account = who.session().account();
        if (account.role() != role) {
            throw new Refused(Problems.of(403, "only an account with the role " + role.name().toLowerCase(Locale.ROOT)
                    + " may do this", "forbidden"));
        }
        return account;
    }

    private static Optional<String> sessionCookie(String header) {
        for (String pair : header.split(";")) {
            String trimmed = pair.strip();
            if (trimmed.startsWith(COOKIE + "=")) {
                return Optional.of(trimmed.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    static String cookie(String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=/; HttpOnly; Secure; SameSite=Strict";
    }

    static byte[] requireJson(ApiRequest r) {
        String type = r.contentType().map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT)).orElse("");
        if (!type.equals("application/json")) {
            throw new Refused(Problems.of(415, "the body must be JSON, sent with Content-Type: application/json",
                    "unsupported-media-type"));
        }
        return r.body();
    }

    private <T> T hashed(Supplier<T> work) {
        try {
            if (!hashing.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new Refused(Problems.of(503, "too many logins at once; try again shortly", "busy")
                        .withHeader("Retry-After", "5"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(Problems.of(503, "the broker is stopping", "busy"));
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    static <T> T done(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new Refused(Problems.of(refused.refusal()));
        };
    }

    private static ConsultationId consultationId(String text) {
        try {
            return ConsultationId.of(text);
        } catch (IllegalArgumentException e) {
            // Answered like an id that does not exist, so that the two cannot be told apart.
            throw new Refused(Problems.of(new Refusal.NotFound()));
        }
    }

    static String required(String field, String value) {
        if (value == null) {
            throw new ApiJson.BadRequest("field '" + field + "' is required");
        }
        return value;
    }

    private static <T> T parse(String field, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ApiJson.BadRequest(field.equals("role")
                    ? "field 'role' must be one of doctor, technician, admin"
                    : "field '" + field + "': " + e.getMessage());
        }
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new ApiJson.BadRequest("field 'accessWindow' must be an ISO-8601 duration such as PT24H or P7D");
        }
    }

    static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, ApiResponse.JSON, ApiJson.write(body), Map.of());
    }

    private static ApiResponse notAllowed(String method, String allow) {
        return Problems.of(405, method + " is not supported here", "method-not-allowed").withHeader("Allow", allow);
    }

    static ApiResponse noSuchEndpoint() {
        return Problems.of(404, "no such endpoint", "no-such-endpoint");
    }

    /** A finished answer thrown out of the depth of a handler; never carries a stack trace. */
    static final class Refused extends RuntimeException {
        final ApiResponse response;

        Refused(ApiResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }
}

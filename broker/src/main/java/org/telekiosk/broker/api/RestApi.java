package org.telekiosk.broker.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.config.VitalRanges;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.StoreException;

/**
 * The REST API of {@code docs/api.md}, without a transport: the Netty adapter hands over an {@link ApiRequest} and
 * writes back the {@link ApiResponse}. This class only dispatches: a table of path templates and methods to the
 * endpoint classes (sessions, accounts, consultations, FHIR, commands, kiosks, kiosk page), which share one
 * {@link Authenticator} (session token, CSRF) and one {@link HashingLimit} (Argon2id). Everything here blocks
 * (database, Argon2id), so the adapter calls {@link #handle} on its own executor, never on an event loop.
 */
public final class RestApi {
    /** The session cookie's name. */
    public static final String COOKIE = SessionCookie.NAME;
    /** The largest request body accepted, in bytes; a larger one is answered 413. */
    public static final int MAX_BODY_BYTES = 8 * 1024;
    static final String PREFIX = "/api/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    /**
     * The services this API calls (all blocking).
     *
     * @param kiosks the technician's kiosk operations; empty: the {@code /kiosks} endpoints answer 404 (an API
     *               without kiosk PKI, as in the tests of the account and consultation endpoints)
     * @param fhir   the FHIR export of consultations; empty: {@code /consultations/{id}/fhir} answers 404
     * @param kioskPages kiosk page tokens; empty: {@code /kiosk-session} answers 404
     * @param commands the measurement commands; empty: {@code /consultations/{id}/commands} answers 404
     * @param readings where command results are looked up; empty: results are listed by sequence number only
     * @param records  the consultations' records; empty: {@code /consultations/{id}/record} answers 404
     * @param audit    the audit log for admins; empty: {@code /audit} answers 404
     */
    public record Services(AccountService accounts, LoginService logins, ConsultationService consultations,
            JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
            Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
            Optional<MeasurementStore> readings, Optional<org.telekiosk.broker.record.RecordExport> records,
            Optional<org.telekiosk.broker.audit.AuditLog> audit) {
        /** Without records and the audit log. */
        public Services(AccountService accounts, LoginService logins, ConsultationService consultations,
                JoinCodes codes, Optional<KioskAdministration> kiosks, Optional<ConsultationFhirExport> fhir,
                Optional<KioskPageTokens> kioskPages, Optional<CommandService> commands,
                Optional<MeasurementStore> readings) {
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

    /** One endpoint: answers a request, given the path's second segment (an id) where the template has one. */
    @FunctionalInterface
    private interface Endpoint {
        ApiResponse answer(ApiRequest request, String id);
    }

    /** Path template (below {@value #PREFIX}, {@code {id}} for the second segment) → method → endpoint. */
    private final Map<String, Map<String, Endpoint>> routes = new LinkedHashMap<>();

    public RestApi(Services services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock) {
        this(services, allowedOrigins, maxConcurrentHashes, clock, Optional.empty());
    }

    /** With {@code GET /api/v1/vital-ranges} answering {@code vitalRanges} (404 when empty). */
    public RestApi(Services services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock,
            Optional<VitalRanges> vitalRanges) {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(vitalRanges, "vitalRanges");
        Authenticator auth = new Authenticator(services.logins(), allowedOrigins);
        HashingLimit hashing = new HashingLimit(maxConcurrentHashes);
        var sessions = new SessionEndpoints(auth, services.logins(), hashing, clock);
        route("session", "POST", (r, id) -> sessions.login(r));
        route("session", "DELETE", (r, id) -> sessions.logout(r));
        route("me", "GET", (r, id) -> sessions.me(r));
        var accounts = new AccountEndpoints(auth, services.accounts(), hashing);
        route("accounts", "GET", (r, id) -> accounts.list(r));
        route("accounts", "POST", (r, id) -> accounts.create(r));
        var consultations = new ConsultationEndpoints(auth, services.consultations(), services.codes());
        route("consultations", "GET", (r, id) -> consultations.list(r));
        route("consultations", "POST", (r, id) -> consultations.create(r));
        route("consultations/{id}", "GET", consultations::get);
        route("consultations/{id}/end", "POST", consultations::end);
        route("consultations/{id}/codes", "POST", consultations::issueCode);
        services.fhir().map(fhir -> new FhirEndpoints(auth, fhir))
                .ifPresent(fhir -> route("consultations/{id}/fhir", "GET", fhir::export));
        services.commands().map(c -> new CommandEndpoints(auth, c, services.readings())).ifPresent(commands -> {
            route("consultations/{id}/commands", "GET", commands::list);
            route("consultations/{id}/commands", "POST", commands::issue);
        });
        services.records().map(export -> new RecordEndpoints(auth, export))
                .ifPresent(records -> route("consultations/{id}/record", "GET", records::get));
        services.audit().map(log -> new AuditEndpoints(auth, log)).ifPresent(log -> route("audit", "GET",
                (r, id) -> log.page(r)));
        // Without kiosk administration or kiosk pages these paths exist and answer 404, as an unknown one does.
        var kiosks = services.kiosks().map(admin -> new KioskEndpoints(auth, admin));
        route("kiosks", "GET", present(kiosks, k -> (r, id) -> k.fleet(r)));
        route("rooms", "GET", present(kiosks, k -> (r, id) -> k.rooms(r)));
        route("kiosks/{id}/enrollment-tokens", "POST", present(kiosks, k -> k::createToken));
        route("kiosks/{id}/revocation", "POST", present(kiosks, k -> k::revoke));
        var pages = services.kioskPages().map(tokens -> new KioskPageEndpoints(auth, tokens, clock));
        route("kiosk-session", "GET", present(pages, p -> (r, id) -> p.me(r)));
        route("kiosk-session", "POST", present(pages, p -> (r, id) -> p.start(r)));
        // Configuration, no personal data: no login needed (the call view loads it with the page).
        route("vital-ranges", "GET", present(vitalRanges, v -> (r, id) -> Requests.json(200, v.view())));
    }

    private void route(String template, String method, Endpoint endpoint) {
        routes.computeIfAbsent(template, t -> new LinkedHashMap<>()).put(method, endpoint);
    }

    private static <T> Endpoint present(Optional<T> part, Function<T, Endpoint> endpoint) {
        return part.map(endpoint).orElse((r, id) -> noSuchEndpoint());
    }

    /** Whether {@code path} belongs to this API (the adapter passes everything else on). */
    public static boolean owns(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** Answers one request. Blocking; never throws. */
    public ApiResponse handle(ApiRequest request) {
        try {
            return dispatch(request);
        } catch (ApiJson.BadRequest e) {
            return Problems.of(400, e.getMessage(), "bad-request");
        } catch (EarlyAnswer e) {
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

    private ApiResponse dispatch(ApiRequest r) {
        if (!r.path().startsWith(PREFIX)) {
            return Problems.of(404, "no such endpoint; the API is under " + PREFIX, "no-such-endpoint");
        }
        String[] segments = r.path().substring(PREFIX.length()).split("/", -1);
        String id = segments.length > 1 ? segments[1] : null;
        if (id != null) {
            segments[1] = "{id}";
        }
        Map<String, Endpoint> methods = routes.get(String.join("/", segments));
        if (methods == null) {
            return noSuchEndpoint();
        }
        Endpoint endpoint = methods.get(r.method());
        if (endpoint == null) {
            return Problems.of(405, r.method() + " is not supported here", "method-not-allowed")
                    .withHeader("Allow", String.join(", ", methods.keySet()));
        }
        return endpoint.answer(r, id);
    }

    static ApiResponse noSuchEndpoint() {
        return Problems.of(404, "no such endpoint", "no-such-endpoint");
    }
}

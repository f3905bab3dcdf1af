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
import org.telekiosk.broker.config.VitalRanges;
import org.telekiosk.broker.store.StoreException;

/**
 * The REST API of {@code docs/api.md}, without a transport: the Netty adapter hands over an {@link ApiRequest} and
 * writes back the {@link ApiResponse}. This class only dispatches: a table of path templates and methods to the
 * endpoint classes (sessions, accounts, consultations, FHIR, commands, kiosks, kiosk page, the kiosks' own
 * enrollment, renewal, kiosk page tokens and agent updates), which share one
 * {@link Authenticator} (session token, CSRF) and one {@link HashingLimit} (Argon2id). Everything here blocks
 * (database, Argon2id), so the adapter calls {@link #handle} on its own executor, never on an event loop.
 */
public final class RestApi {
    /** The session cookie's name. */
    public static final String COOKIE = SessionCookie.NAME;
    /** The largest request body accepted, in bytes; a larger one is answered 413. */
    public static final int MAX_BODY_BYTES = 8 * 1024;
    /** The largest body of a kiosk's enrollment or renewal (a CSR in PEM), in bytes; a larger one is answered 413. */
    public static final int MAX_KIOSK_BODY_BYTES = 16 * 1024;
    static final String PREFIX = "/api/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    /** One endpoint: answers a request, given the path's {@code {id}} segment where the template has one. */
    @FunctionalInterface
    private interface Endpoint {
        ApiResponse answer(ApiRequest request, String id);
    }

    /** Path template (below {@value #PREFIX}, {@code {id}} for one segment) → method → endpoint. */
    private final Map<String, Map<String, Endpoint>> routes = new LinkedHashMap<>();

    public RestApi(ApiServices services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock) {
        this(services, allowedOrigins, maxConcurrentHashes, clock, Optional.empty());
    }

    /** With {@code GET /api/v1/vital-ranges} answering {@code vitalRanges} (404 when empty). */
    public RestApi(ApiServices services, List<String> allowedOrigins, int maxConcurrentHashes, Clock clock,
            Optional<VitalRanges> vitalRanges) {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(vitalRanges, "vitalRanges");
        Authenticator auth = new Authenticator(services.logins(), allowedOrigins);
        HashingLimit hashing = new HashingLimit(maxConcurrentHashes);
        var sessions = new SessionEndpoints(auth, services.logins(), hashing, LoginRate.withDefaults(clock), clock);
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
        // The kiosks' own endpoints: no session; the token or the client certificate authenticates.
        var kioskTrust = services.enrollment().map(e -> new EnrollmentEndpoints(e, services.kioskPages(), services.updateKey()));
        kioskTrust.ifPresent(e -> {
            route("enroll", "POST", (r, id) -> e.enroll(r));
            route("renew", "POST", (r, id) -> e.renew(r));
        });
        kioskTrust.filter(e -> services.kioskPages().isPresent())
                .ifPresent(e -> route("kiosk-page-tokens", "POST", (r, id) -> e.pageToken(r)));
        services.agentUpdates().map(AgentUpdateEndpoints::new).ifPresent(u -> {
            route("agent-update", "GET", (r, id) -> u.offer(r));
            route("agent-update/packages/{id}", "GET", u::download);
            route("agent-update/report", "POST", (r, id) -> u.report(r));
        });
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

    /** The largest body a request on {@code path} may carry; a larger one is answered 413 before it is read. */
    public static int maxBodyBytes(String path) {
        return path.equals(PREFIX + "enroll") || path.equals(PREFIX + "renew") ? MAX_KIOSK_BODY_BYTES : MAX_BODY_BYTES;
    }

    /** Whether {@code request} is a login (it hashes a password; the adapter gives logins slots of their own). */
    public static boolean isLogin(ApiRequest request) {
        return request.method().equals("POST") && request.path().equals(PREFIX + "session");
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
        String id = null;
        // A path naming a template ("{id}") is matched as the template with that id, never as the template itself.
        Map<String, Endpoint> methods = r.path().contains("{") ? null : routes.get(String.join("/", segments));
        for (int i = 1; methods == null && i < segments.length; i++) {
            String segment = segments[i];
            segments[i] = "{id}";
            methods = routes.get(String.join("/", segments));
            id = segment;
            segments[i] = segment;
        }
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

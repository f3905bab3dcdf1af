package org.telekiosk.broker.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionLookup;

/**
 * Who sent a request, for every endpoint: a session token in the {@value SessionCookie#NAME} cookie or an
 * {@code Authorization: Bearer} header. A state-changing request (not GET or HEAD) that carries an {@code Origin} not
 * on the allow-list is refused, and one authenticated by the cookie must carry an allowed {@code Origin} (CSRF: a
 * browser sends it on every cross-site POST and DELETE; a header the page cannot set, unlike a cookie, which the
 * browser adds by itself). Blocking (the session lookup reads the database).
 */
final class Authenticator {
    private final LoginService logins;
    private final Set<String> allowedOrigins;

    Authenticator(LoginService logins, List<String> allowedOrigins) {
        this.logins = logins;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** A staff session and how it came. */
    record Authenticated(OpaqueToken token, SessionLookup.Active session, boolean byCookie) {
        Account account() {
            return session.account();
        }
    }

    /** A session token and what it is worth now (any principal), from the request. */
    record Looked(OpaqueToken token, SessionLookup lookup, boolean byCookie) {}

    /**
     * The staff session of the request's token (Bearer first, then the cookie), or a 401; a kiosk page session is
     * refused with 403. For a state-changing request ({@code changes}) the CSRF rule applies.
     */
    Authenticated authenticate(ApiRequest r, boolean changes) {
        Looked looked = lookUp(r, changes);
        return switch (looked.lookup()) {
            case SessionLookup.Active active -> new Authenticated(looked.token(), active, looked.byCookie());
            case SessionLookup.Kiosk kiosk -> throw new EarlyAnswer(Problems.of(403, "a kiosk page session may not"
                    + " use the staff endpoints; log in with an account", "kiosk-session"));
            case SessionLookup.Refused refused -> throw new EarlyAnswer(unauthenticated(refused));
        };
    }

    /** As {@link #authenticate}, and the account must have {@code role} (403 otherwise). */
    Account requireRole(ApiRequest r, boolean changes, Role role) {
        Account account = authenticate(r, changes).account();
        if (account.role() != role) {
            throw new EarlyAnswer(Problems.of(403, "only an account with the role "
                    + role.name().toLowerCase(Locale.ROOT) + " may do this", "forbidden"));
        }
        return account;
    }

    Looked lookUp(ApiRequest r, boolean changes) {
        if (changes) {
            refuseForeignOrigin(r);
        }
        Optional<String> bearer = r.authorization().map(String::strip)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).strip());
        if (r.authorization().isPresent() && bearer.isEmpty()) {
            throw new EarlyAnswer(unauthenticated("the Authorization header must be 'Bearer <session token>'"));
        }
        boolean byCookie = bearer.isEmpty();
        Optional<String> text = bearer.or(() -> r.cookie().flatMap(SessionCookie::value));
        if (text.isEmpty()) {
            throw new EarlyAnswer(unauthenticated("log in first: no session token in a " + SessionCookie.NAME
                    + " cookie or an Authorization: Bearer header"));
        }
        if (byCookie && changes && r.origin().filter(allowedOrigins::contains).isEmpty()) {
            throw new EarlyAnswer(Problems.of(403, "a request authenticated by the session cookie must carry an"
                    + " allowed Origin header (cross-site request forgery protection)", "origin-refused"));
        }
        OpaqueToken token = OpaqueToken.parse(text.get()).orElseThrow(
                () -> new EarlyAnswer(unauthenticated("the session token is not valid")));
        return new Looked(token, logins.authenticate(token), byCookie);
    }

    static ApiResponse unauthenticated(SessionLookup.Refused refused) {
        return unauthenticated(switch (refused.reason()) {
            case UNKNOWN -> "the session token is not valid (never issued, logged out, or its kiosk revoked)";
            case EXPIRED -> "the session has expired; log in again";
            case IDLE -> "the session ended after being idle; log in again";
        });
    }

    private static ApiResponse unauthenticated(String detail) {
        return Problems.of(401, detail, "not-authenticated").withHeader("WWW-Authenticate",
                "Bearer realm=\"telekiosk\"");
    }

    /** Refuses a request whose {@code Origin} is absent or not on the allow-list (403). */
    void requireAllowedOrigin(ApiRequest r) {
        if (r.origin().filter(allowedOrigins::contains).isEmpty()) {
            throw new EarlyAnswer(Problems.of(403, "this request must carry an allowed Origin header (cross-site"
                    + " request forgery protection)", "origin-refused"));
        }
    }

    /** Refuses a request that carries an {@code Origin} not on the allow-list (403); none is fine. */
    void refuseForeignOrigin(ApiRequest r) {
        if (r.origin().isPresent() && !allowedOrigins.contains(r.origin().get())) {
            throw new EarlyAnswer(Problems.of(403, "requests from this Origin are not allowed (cross-site request"
                    + " forgery protection)", "origin-refused"));
        }
    }
}

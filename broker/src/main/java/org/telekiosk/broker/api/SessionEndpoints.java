package org.telekiosk.broker.api;

import static org.telekiosk.broker.api.Requests.json;
import static org.telekiosk.broker.api.Requests.parse;
import static org.telekiosk.broker.api.Requests.required;
import static org.telekiosk.broker.api.Requests.requireJson;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.api.ApiMessages.AccountView;
import org.telekiosk.broker.api.ApiMessages.LoginRequest;
import org.telekiosk.broker.api.ApiMessages.Me;
import org.telekiosk.broker.api.ApiMessages.SessionResponse;

/**
 * The staff session endpoints of {@code docs/api.md}: {@code POST /api/v1/session} (log in: the token in the body and
 * in the {@value SessionCookie#NAME} cookie), {@code DELETE /api/v1/session} (log out), {@code GET /api/v1/me}.
 */
final class SessionEndpoints {
    private final Authenticator auth;
    private final LoginService logins;
    private final HashingLimit hashing;
    private final LoginRate rate;
    private final Clock clock;

    SessionEndpoints(Authenticator auth, LoginService logins, HashingLimit hashing, LoginRate rate, Clock clock) {
        this.auth = auth;
        this.logins = logins;
        this.hashing = hashing;
        this.rate = rate;
        this.clock = clock;
    }

    ApiResponse login(ApiRequest r) {
        auth.refuseForeignOrigin(r);
        LoginRequest body = ApiJson.read(requireJson(r), LoginRequest.class);
        LoginName login = parse("login", () -> LoginName.of(required("login", body.login())));
        Password password = Password.of(required("password", body.password()));
        Optional<Duration> wait = rate.attempt(r.from());
        if (wait.isPresent()) {
            return Problems.throttled(wait.get(), "too many logins from this address");
        }
        // A login the failure throttle refuses is answered at once: it neither waits for nor holds a hashing permit.
        Optional<LoginResult.Throttled> throttled = logins.throttled(login, r.from());
        LoginResult result = throttled.isPresent() ? throttled.get()
                : hashing.run(() -> logins.login(login, password, r.from()));
        return switch (result) {
            case LoginResult.LoggedIn in -> json(200, new SessionResponse(AccountView.of(in.account()),
                    in.token().value(), in.expiresAt().toString()))
                    .withHeader("Set-Cookie", SessionCookie.set(in.token().value(),
                            Math.max(0, Duration.between(clock.instant(), in.expiresAt()).toSeconds())));
            case LoginResult.InvalidCredentials x -> Problems.of(401, "the login name or the password is wrong",
                    "invalid-credentials");
            case LoginResult.Throttled t -> Problems.throttled(t.retryAfter(),
                    "too many failed logins for this name or from this address");
        };
    }

    ApiResponse logout(ApiRequest r) {
        logins.logout(auth.authenticate(r, true).token());
        return ApiResponse.noContent(Map.of("Set-Cookie", SessionCookie.set("", 0)));
    }

    ApiResponse me(ApiRequest r) {
        var session = auth.authenticate(r, false).session();
        return json(200, new Me(AccountView.of(session.account()), session.expiresAt().toString(),
                session.idleDeadline().toString()));
    }
}

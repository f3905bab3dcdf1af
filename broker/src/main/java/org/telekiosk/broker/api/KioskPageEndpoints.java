package org.telekiosk.broker.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.api.ApiMessages.KioskSessionRequest;
import org.telekiosk.broker.api.ApiMessages.KioskSessionStarted;
import org.telekiosk.broker.api.ApiMessages.KioskSessionView;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.kioskpage.KioskPageTokens;

/**
 * The kiosk page's session endpoints of {@code docs/api.md}: {@code POST /api/v1/kiosk-session} redeems the one-time
 * kiosk page token (from the page URL's fragment) for a kiosk page session in the {@value SessionCookie#NAME} cookie,
 * whose principal is the kiosk, never an account; {@code GET /api/v1/kiosk-session} tells the page which kiosk it is.
 * Redeeming needs an allowed {@code Origin} (the page is same-origin; a browser sends it with every POST).
 */
final class KioskPageEndpoints {
    private final Authenticator auth;
    private final KioskPageTokens pages;
    private final Clock clock;

    KioskPageEndpoints(Authenticator auth, KioskPageTokens pages, Clock clock) {
        this.auth = auth;
        this.pages = pages;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    ApiResponse start(ApiRequest r) {
        auth.requireAllowedOrigin(r);
        KioskSessionRequest body = ApiJson.read(Requests.requireJson(r), KioskSessionRequest.class);
        String token = Requests.required("token", body.token());
        return pages.redeem(token, AuditActor.client(r.from()))
                .map(started -> Requests.json(200, new KioskSessionStarted(started.kiosk().value(),
                                started.session().expiresAt().toString()))
                        .withHeader("Set-Cookie", SessionCookie.set(started.session().token().value(),
                                Math.max(0, Duration.between(clock.instant(), started.session().expiresAt())
                                        .toSeconds()))))
                .orElseGet(() -> Problems.of(401, "the kiosk page token is not valid: unknown, already used, expired,"
                        + " or its kiosk revoked; the kiosk's agent makes a new page URL", "kiosk-token-refused"));
    }

    ApiResponse me(ApiRequest r) {
        Authenticator.Looked looked = auth.lookUp(r, false);
        return switch (looked.lookup()) {
            case SessionLookup.Kiosk kiosk -> Requests.json(200, new KioskSessionView(kiosk.kiosk().value(),
                    kiosk.expiresAt().toString(), kiosk.idleDeadline().toString()));
            case SessionLookup.Active staff -> Problems.of(403, "this is a staff session, not a kiosk page session",
                    "not-a-kiosk-session");
            case SessionLookup.Refused refused -> Authenticator.unauthenticated(refused);
        };
    }
}

package org.telekiosk.broker.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.telekiosk.broker.api.ApiMessages.Problem;
import org.telekiosk.broker.request.Refusal;

/** RFC 9457 problem responses, and the HTTP status of each kind of {@link Refusal}: the REST transport's mapping. */
public final class Problems {
    private Problems() {}

    static ApiResponse of(int status, String detail, String code) {
        return of(status, detail, code, null);
    }

    static ApiResponse of(int status, String detail, String code, List<String> problems) {
        Problem problem = new Problem("about:blank", title(status), status, detail, code, problems);
        return new ApiResponse(status, ApiResponse.PROBLEM, ApiJson.write(problem), Map.of());
    }

    /** A problem with a title of its own and no code: the kiosk-facing endpoints' (their client knows no code). */
    private static ApiResponse titled(int status, String title, String detail) {
        Problem problem = new Problem("about:blank", title, status, detail, null, null);
        return new ApiResponse(status, ApiResponse.PROBLEM, ApiJson.write(problem), Map.of());
    }

    /** 429 with {@code Retry-After} in whole seconds, rounded up (RFC 9110 §10.2.3). */
    static ApiResponse throttled(Duration retryAfter, String detail) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return of(429, detail + "; try again in " + seconds + " s", "throttled")
                .withHeader("Retry-After", Long.toString(seconds));
    }

    /** The HTTP status of each kind of refusal: the one place where a refusal becomes a status. */
    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_AUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case THROTTLED -> 429;
        };
    }

    /** The problem answer of a refusal, its status from {@link #status(Refusal.Kind)}. */
    static ApiResponse of(Refusal refusal) {
        int status = status(refusal.kind());
        return switch (refusal) {
            case Refusal.NotAuthenticated r -> of(status, "log in first", r.code())
                    .withHeader("WWW-Authenticate", "Bearer realm=\"telekiosk\"");
            case Refusal.Forbidden r -> of(status, "this account's role may not do this", r.code());
            case Refusal.NotFound r -> of(status, "no such consultation", r.code());
            case Refusal.IllegalTransition r -> of(status, "the consultation is " + r.state().name().toLowerCase(
                    Locale.ROOT) + "; " + r.action().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " is not possible now", r.code());
            case Refusal.AccessExpired r -> of(status, "the consultation's access window is over", r.code());
            case Refusal.InvalidCode r -> of(status, "not a valid join code", r.code());
            case Refusal.Throttled r -> throttled(r.retryAfter(), "too many wrong join codes");
            case Refusal.SeatReleased r -> of(status, "the seat was released; a new join code is needed", r.code());
            case Refusal.InvalidRequest r -> of(status, r.message(), r.code());
            case Refusal.Conflict r -> of(status, r.message(), r.code());
            // The agent reads title and detail with a strict decoder that knows no code: none is sent.
            case Refusal.KioskCredential r -> titled(status, r.title(), r.detail());
            case Refusal.MalformedMessage r -> of(status, r.detail(), r.code());
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}

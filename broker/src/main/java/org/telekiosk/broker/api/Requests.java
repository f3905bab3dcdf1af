package org.telekiosk.broker.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;

/** What every endpoint does with a request and an answer: body and field checks, ids, outcomes, JSON answers. */
final class Requests {
    private Requests() {}

    /** The body, if it is declared JSON; 415 otherwise. */
    static byte[] requireJson(ApiRequest r) {
        String type = r.contentType().map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT)).orElse("");
        if (!type.equals("application/json")) {
            throw new EarlyAnswer(Problems.of(415, "the body must be JSON, sent with Content-Type: application/json",
                    "unsupported-media-type"));
        }
        return r.body();
    }

    static String required(String field, String value) {
        if (value == null) {
            throw new ApiJson.BadRequest("field '" + field + "' is required");
        }
        return value;
    }

    static <T> T parse(String field, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ApiJson.BadRequest(field.equals("role")
                    ? "field 'role' must be one of doctor, technician, admin"
                    : "field '" + field + "': " + e.getMessage());
        }
    }

    static Duration duration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new ApiJson.BadRequest("field 'accessWindow' must be an ISO-8601 duration such as PT24H or P7D");
        }
    }

    static ConsultationId consultationId(String text) {
        try {
            return ConsultationId.of(text);
        } catch (IllegalArgumentException e) {
            // Answered like an id that does not exist, so that the two cannot be told apart.
            throw new EarlyAnswer(Problems.of(new Refusal.NotFound()));
        }
    }

    /** The value of a done outcome; a refusal becomes its problem answer. */
    static <T> T done(Outcome<T> outcome) {
        return done(outcome, Problems::of);
    }

    /** The value of a done outcome; a refusal becomes the answer {@code problems} makes of it. */
    static <T> T done(Outcome<T> outcome, Function<Refusal, ApiResponse> problems) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new EarlyAnswer(problems.apply(refused.refusal()));
        };
    }

    static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, ApiResponse.JSON, ApiJson.write(body), Map.of());
    }
}

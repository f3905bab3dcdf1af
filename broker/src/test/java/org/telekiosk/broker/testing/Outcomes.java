package org.telekiosk.broker.testing;

import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;

/** Unwraps a service's {@link Outcome} in a test, failing the test when it is not the expected kind. */
public final class Outcomes {
    private Outcomes() {}

    /** The value of an outcome that must be done. */
    public static <T> T done(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new AssertionError("refused: " + refused.refusal());
        };
    }

    /** The refusal of an outcome that must be refused. */
    public static Refusal refusal(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.Done<?> done -> throw new AssertionError("expected a refusal, got " + done.value());
            case Outcome.Refused<?> refused -> refused.refusal();
        };
    }
}

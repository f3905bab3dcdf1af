package org.telekiosk.broker.signaling;

import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.signaling.SignalError;

/**
 * The signaling transport's mapping of the broker's one refusal model: which {@link SignalError} each {@link Refusal}
 * becomes, by what was refused. (The REST transport's is {@code api.Problems}.)
 */
final class SignalErrors {
    private SignalErrors() {}

    /** A patient's {@code hello} refused (code, kiosk, resume), or a seat gone since. */
    static SignalError hello(Refusal refusal) {
        return switch (refusal) {
            case Refusal.InvalidCode invalid -> SignalError.INVALID_CODE;
            case Refusal.Throttled throttled -> SignalError.THROTTLED;
            case Refusal.SeatReleased released -> SignalError.SEAT_RELEASED;
            case Refusal.AccessExpired expired -> SignalError.ACCESS_EXPIRED;
            case Refusal.IllegalTransition transition -> SignalError.ACCESS_EXPIRED;
            case Refusal.Forbidden forbidden -> SignalError.FORBIDDEN;
            case Refusal.NotFound notFound -> SignalError.FORBIDDEN;
            case Refusal.InvalidRequest invalid -> SignalError.INVALID_FIELD;
            case Refusal.Conflict conflict -> SignalError.INVALID_FIELD;
            case Refusal.MalformedMessage malformed -> SignalError.INVALID_FIELD;
            case Refusal.NotAuthenticated none -> SignalError.NOT_AUTHENTICATED;
            case Refusal.KioskCredential credential -> credential.kind() == Refusal.Kind.NOT_AUTHENTICATED
                    ? SignalError.NOT_AUTHENTICATED : SignalError.FORBIDDEN;
        };
    }

    /** A doctor's {@code hello}: the consultation could not be read for this account. */
    static SignalError doctorHello(Refusal refusal) {
        return refusal instanceof Refusal.NotAuthenticated ? SignalError.NOT_AUTHENTICATED : SignalError.FORBIDDEN;
    }

    /** A doctor's {@code admit} refused by the waiting room. */
    static SignalError admit(Refusal refusal) {
        return refusal instanceof Refusal.NotFound ? SignalError.NOT_FOUND : SignalError.ILLEGAL_TRANSITION;
    }

    /** A doctor's {@code end} refused: whatever the reason, the consultation cannot end now. */
    static SignalError end(Refusal refusal) {
        return SignalError.ILLEGAL_TRANSITION;
    }
}

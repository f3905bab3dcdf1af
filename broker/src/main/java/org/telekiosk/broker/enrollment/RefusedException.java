package org.telekiosk.broker.enrollment;

/** Carries a {@link Refused} out of a check; never leaves this package. */
final class RefusedException extends Exception {
    private final transient Refused refused;

    RefusedException(Refused refused) {
        super(refused.refusal().detail(), null, false, false);
        this.refused = refused;
    }

    Refused refused() {
        return refused;
    }
}

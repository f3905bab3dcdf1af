package org.telekiosk.broker.consultation;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a consultation: scheduled → waiting → in call → ended, and the doctor may end it from any
 * state. The state follows the seats: {@link #WAITING} while a patient waits and nobody is in the call,
 * {@link #IN_CALL} while an admitted patient is in it (others may wait meanwhile), back to {@link #WAITING} or
 * {@link #SCHEDULED} when they leave or lose their seat. {@link #ENDED} is final.
 */
public enum ConsultationState {
    /** Open, nobody waiting: codes can be issued and redeemed. */
    SCHEDULED,
    /** At least one patient waits to be admitted. */
    WAITING,
    /** The doctor and one admitted patient are in the call. */
    IN_CALL,
    /** Over: every seat released, every unredeemed code revoked. */
    ENDED;

    /** Whether the consultation may go from this state straight to {@code next}. */
    public boolean canMoveTo(ConsultationState next) {
        return switch (this) {
            case SCHEDULED -> next == WAITING || next == ENDED;
            case WAITING -> next == IN_CALL || next == SCHEDULED || next == ENDED;
            case IN_CALL -> next == WAITING || next == SCHEDULED || next == ENDED;
            case ENDED -> false;
        };
    }

    /** Whether {@code action} may be taken in this state. */
    public boolean permits(ConsultationAction action) {
        return permitted().contains(action);
    }

    private Set<ConsultationAction> permitted() {
        return switch (this) {
            case SCHEDULED -> EnumSet.of(ConsultationAction.ISSUE_CODE, ConsultationAction.ENTER,
                    ConsultationAction.END);
            case WAITING -> EnumSet.of(ConsultationAction.ISSUE_CODE, ConsultationAction.ENTER,
                    ConsultationAction.ADMIT, ConsultationAction.LEAVE, ConsultationAction.RESUME,
                    ConsultationAction.END);
            case IN_CALL -> EnumSet.of(ConsultationAction.ISSUE_CODE, ConsultationAction.ENTER,
                    ConsultationAction.LEAVE, ConsultationAction.RESUME, ConsultationAction.END);
            case ENDED -> EnumSet.noneOf(ConsultationAction.class);
        };
    }
}

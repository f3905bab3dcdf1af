package org.telekiosk.broker.consultation;

/** What can be done to a consultation; {@link ConsultationState#permits} says in which states. */
public enum ConsultationAction {
    ISSUE_CODE,
    /** A patient takes a seat: redeems a code or is called in at the room's kiosk. */
    ENTER,
    ADMIT,
    LEAVE,
    RESUME,
    END
}

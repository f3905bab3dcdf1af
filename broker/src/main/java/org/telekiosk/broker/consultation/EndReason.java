package org.telekiosk.broker.consultation;

/**
 * Why a consultation ended. {@link #wire()} is the {@code reason} of the signaling {@code ended} event
 * ({@code protocol/README.md}, "Events").
 */
public enum EndReason {
    /** Its doctor ended it: over REST ({@code POST /api/v1/consultations/{id}/end}) or with signaling {@code end}. */
    ENDED_BY_DOCTOR("ended-by-doctor"),
    /** Its access window closed and the purge ended it ({@link ConsultationService#endExpired()}). */
    ACCESS_EXPIRED("access-expired");

    private final String wire;

    EndReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}

package org.telekiosk.broker.signaling;

import java.time.Instant;
import java.util.Objects;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.Rung;

/**
 * A call moved to another rung of its degradation ladder: what a {@link RungListener} is told. Metadata only: no
 * media, no chat.
 *
 * @param consultation the consultation whose call it is
 * @param by           whose page set the rung (the doctor's, today)
 * @param rung         the rung now in force
 * @param reason       the page's short machine-made reason ("loss 6 %, rtt 420 ms", "pinned by the doctor")
 * @param pinned       whether the doctor pinned it (the ladder stops moving until unpinned)
 * @param at           when the broker relayed it (its clock)
 */
public record RungChange(ConsultationId consultation, Participant.Role by, Rung rung, String reason, boolean pinned,
        Instant at) {
    public RungChange {
        Objects.requireNonNull(consultation, "consultation");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}

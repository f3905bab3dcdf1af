package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * A patient's place in a consultation: waiting or in the call. While {@code disconnectedAt} is set, the seat is kept
 * for the grace period so that the patient can resume with their resume token (stored as SHA-256) instead of being
 * admitted again.
 */
public record Seat(ParticipantId id, ConsultationId consultation, DisplayName name, Optional<KioskId> kiosk,
        Status status, SecretHash resumeTokenHash, DeviceReadiness readiness, Instant joinedAt,
        Optional<Instant> disconnectedAt) {
    public enum Status { WAITING, IN_CALL }

    public Seat {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(consultation, "consultation");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(resumeTokenHash, "resumeTokenHash");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(joinedAt, "joinedAt");
        Objects.requireNonNull(disconnectedAt, "disconnectedAt");
    }

    Seat withStatus(Status next) {
        return new Seat(id, consultation, name, kiosk, next, resumeTokenHash, readiness, joinedAt, disconnectedAt);
    }

    Seat withReadiness(DeviceReadiness next) {
        return new Seat(id, consultation, name, kiosk, status, resumeTokenHash, next, joinedAt, disconnectedAt);
    }

    Seat disconnected(Instant at) {
        return new Seat(id, consultation, name, kiosk, status, resumeTokenHash, readiness, joinedAt, Optional.of(at));
    }

    Seat resumed(SecretHash newResumeTokenHash) {
        return new Seat(id, consultation, name, kiosk, status, newResumeTokenHash, readiness, joinedAt,
                Optional.empty());
    }
}

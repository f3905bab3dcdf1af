package org.telekiosk.broker.command;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;

/**
 * One measurement command as the broker keeps it (table {@code kiosk_command}, migration V5).
 *
 * @param reason     why it failed or expired, for the doctor; empty otherwise
 * @param resultSeqs the kiosk's sequence numbers of the readings it produced (DONE)
 * @param published  whether the MQTT broker acknowledged the command's PUBLISH; if not, it is sent again
 * @param updatedAt  when the state last changed (broker clock)
 */
public record CommandRecord(UUID id, ConsultationId consultation, KioskId kiosk, CommandKind kind, int seconds,
        CommandStatus status, String reason, List<Long> resultSeqs, boolean published, Instant issuedAt,
        Instant expiresAt, Instant updatedAt) {
    public CommandRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(consultation, "consultation");
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        resultSeqs = List.copyOf(resultSeqs);
    }

    /** The wire message that carries this command to its kiosk. */
    public Command toCommand() {
        return new Command(kiosk, id, kind, seconds, issuedAt, expiresAt);
    }

    CommandRecord with(CommandStatus next, String why, List<Long> seqs, Instant at) {
        return new CommandRecord(id, consultation, kiosk, kind, seconds, next, why, seqs, published, issuedAt,
                expiresAt, at);
    }
}

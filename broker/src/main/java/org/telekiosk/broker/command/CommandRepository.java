package org.telekiosk.broker.command;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.CommandKind;

/** Where commands are kept. Blocking: not on an event loop. */
public interface CommandRepository {
    void insert(CommandRecord command);

    Optional<CommandRecord> find(UUID id);

    /** Replaces the state, reason, result and {@code updatedAt} of the command, if it is still in {@code from}. */
    boolean update(CommandRecord command, CommandStatus from);

    void markPublished(UUID id);

    /** The consultation's commands, oldest first. */
    List<CommandRecord> ofConsultation(ConsultationId consultation);

    /** Whether {@code kiosk} has a command of {@code kind} that is QUEUED or RUNNING. */
    boolean hasOpen(KioskId kiosk, CommandKind kind);

    /** Every QUEUED or RUNNING command whose {@code expiresAt} is at or before {@code now}. */
    List<CommandRecord> openExpiredBy(Instant now);

    /** Every QUEUED command that was not published yet and has not expired at {@code now}. */
    List<CommandRecord> unpublished(Instant now);
}

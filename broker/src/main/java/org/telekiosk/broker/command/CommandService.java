package org.telekiosk.broker.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.telemetry.CommandUpdate;

/**
 * Measurement commands: the doctor of a consultation orders a measurement at the kiosk of the patient in
 * its call; the command is kept (QUEUED), published to the kiosk with an MQTT message expiry of its remaining
 * lifetime, and follows the kiosk's {@link CommandUpdate}s: RUNNING, then DONE (with the result readings' sequence
 * numbers), FAILED (with a reason) or EXPIRED. No transport here: the caller is authenticated by the transport,
 * publishing is a {@link Publisher}, time is the injected clock, and {@link #tick()} is called periodically.
 *
 * <p>Rules (docs/api.md, "Measurement commands"):
 * <ul>
 *   <li>one command of a kind at a time per kiosk: another of that kind while one is QUEUED or RUNNING is refused
 *       ({@link Refusal.Conflict});</li>
 *   <li>a QUEUED command whose {@code expiresAt} passes (broker clock) becomes EXPIRED; a RUNNING one is left to
 *       finish, but becomes FAILED if no result arrives by {@code expiresAt} + its ECG seconds +
 *       {@link #RESULT_GRACE};</li>
 *   <li>final states are final: a kiosk's report on a command that is already DONE, FAILED or EXPIRED does not
 *       change its state. One exception keeps results visible: a DONE that arrives for a command the broker
 *       expired (the kiosk's clock was behind, or the report was delayed) adds its result readings, and the state
 *       stays EXPIRED;</li>
 *   <li>a redelivered report (QoS 1 may deliver twice) changes nothing the second time.</li>
 * </ul>
 * Blocking (SQL): call it off the event loop.
 */
public final class CommandService {
    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);

    /** How long a command waits for its kiosk unless the doctor says otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(2);
    /** The shortest lifetime a doctor may give a command. */
    public static final Duration MIN_LIFETIME = Duration.ofSeconds(2);
    /** How long past its expiry and duration a RUNNING command waits for its result before it is FAILED. */
    public static final Duration RESULT_GRACE = Duration.ofMinutes(2);

    /** Sends a command to its kiosk; the stage completes when the MQTT broker took it (PUBACK). */
    public interface Publisher {
        CompletionStage<Void> publish(Command command, Duration expiry);
    }

    private final ConsultationService consultations;
    private final CommandRepository commands;
    private final Publisher publisher;
    private final AuditLog audit;
    private final Executor blocking;
    private final Clock clock;
    private final Object issuing = new Object();
    private volatile java.util.function.Consumer<CommandRecord> changes = record -> { };

    /**
     * @param blocking where the bookkeeping after a publish runs (SQL), not the MQTT client's thread
     */
    public CommandService(ConsultationService consultations, CommandRepository commands, Publisher publisher,
            AuditLog audit, Executor blocking, Clock clock) {
        this.consultations = Objects.requireNonNull(consultations, "consultations");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Tells {@code listener} of every command after it was stored as issued or changed state (the vitals sockets of
     * its kiosk show it: the kiosk page guides its patient). Called on the thread that made the change; must not
     * block.
     */
    public void onChange(java.util.function.Consumer<CommandRecord> listener) {
        this.changes = Objects.requireNonNull(listener, "listener");
    }

    /** Stores {@code next} if the command is still {@code expected}; tells the listener if it was. */
    private boolean update(CommandRecord next, CommandStatus expected) {
        boolean done = commands.update(next, expected);
        if (done) {
            changes.accept(next);
        }
        return done;
    }

    /**
     * Issues a command of {@code kind} to the kiosk in the consultation's call, for its doctor only.
     *
     * @param seconds  the ECG's duration (1 to 60); must be 0 for the other kinds
     * @param lifetime how long it may wait for the kiosk ({@link #MIN_LIFETIME} to {@link Command#MAX_LIFETIME});
     *                 empty: {@link #DEFAULT_LIFETIME}
     */
    public Outcome<CommandRecord> issue(Caller caller, ConsultationId consultation, CommandKind kind, int seconds,
            Optional<Duration> lifetime) {
        Objects.requireNonNull(kind, "kind");
        Optional<KioskId> kiosk;
        switch (consultations.kioskInCall(caller, consultation)) {
            case Outcome.Refused<Optional<KioskId>> refused -> {
                return Outcome.refused(refused.refusal());
            }
            case Outcome.Done<Optional<KioskId>> done -> kiosk = done.value();
        }
        try {
            kind.checkSeconds(seconds);
        } catch (IllegalArgumentException e) {
            return Outcome.refused(new Refusal.InvalidRequest(e.getMessage()));
        }
        Duration life = lifetime.orElse(DEFAULT_LIFETIME);
        if (life.compareTo(MIN_LIFETIME) < 0 || life.compareTo(Command.MAX_LIFETIME) > 0) {
            return Outcome.refused(new Refusal.InvalidRequest("a command's lifetime must be "
                    + MIN_LIFETIME.toSeconds() + " to " + Command.MAX_LIFETIME.toSeconds() + " seconds"));
        }
        if (kiosk.isEmpty()) {
            return Outcome.refused(new Refusal.Conflict("no patient at a kiosk is in this consultation's call"));
        }
        Instant now = clock.instant();
        CommandRecord record;
        synchronized (issuing) {
            if (commands.hasOpen(kiosk.get(), kind)) {
                return Outcome.refused(new Refusal.Conflict("a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', ' ') + " command is already queued or running at this kiosk"));
            }
            record = new CommandRecord(UUID.randomUUID(), consultation, kiosk.get(), kind, seconds,
                    CommandStatus.QUEUED, "", List.of(), false, now, now.plus(life), now);
            commands.insert(record);
        }
        changes.accept(record);
        if (caller instanceof Caller.Staff staff) {
            audit.record(new AuditEvent(now, AuditActor.account(staff.account().id()), AuditAction.COMMAND_ISSUED,
                    "consultation:" + consultation, kind + (seconds > 0 ? " " + seconds + " s" : "") + " at kiosk "
                            + kiosk.get() + ", command " + record.id()));
        }
        publish(record, now);
        return Outcome.done(record);
    }

    /** The consultation's commands, oldest first, for its doctor only. */
    public Outcome<List<CommandRecord>> list(Caller caller, ConsultationId consultation) {
        return switch (consultations.kioskInCall(caller, consultation)) {
            case Outcome.Refused<Optional<KioskId>> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Optional<KioskId>> done -> Outcome.done(commands.ofConsultation(consultation));
        };
    }

    /** Takes a kiosk's report (the intake checked that it came on that kiosk's own topic). */
    public void report(CommandUpdate update) {
        Optional<CommandRecord> found = commands.find(update.command());
        if (found.isEmpty() || !found.get().kiosk().equals(update.kiosk())) {
            LOG.warn("Kiosk {} reported on command {}, which is not one of its commands; ignored", update.kiosk(),
                    update.command());
            return;
        }
        CommandRecord current = found.get();
        Instant now = clock.instant();
        CommandStatus next = switch (update.state()) {
            case RUNNING -> CommandStatus.RUNNING;
            case DONE -> CommandStatus.DONE;
            case FAILED -> CommandStatus.FAILED;
            case EXPIRED -> CommandStatus.EXPIRED;
        };
        if (current.status() == CommandStatus.EXPIRED && next == CommandStatus.DONE
                && current.resultSeqs().isEmpty()) {
            update(current.with(CommandStatus.EXPIRED, "the kiosk ran it after it had expired",
                    update.seqs(), now), CommandStatus.EXPIRED);
            return;
        }
        if (current.status().terminal() || current.status() == next) {
            return;
        }
        String reason = switch (next) {
            case FAILED -> update.reason();
            case EXPIRED -> "it reached the kiosk after it had expired";
            default -> "";
        };
        if (!update(current.with(next, reason, update.seqs(), now), current.status())) {
            // Changed meanwhile (an expiry): decide again on what is there now.
            report(update);
        }
    }

    /**
     * Expires what is due and publishes again what the MQTT broker has not taken yet; call periodically (every
     * second). Returns how many commands changed state.
     */
    public int tick() {
        Instant now = clock.instant();
        int changed = 0;
        for (CommandRecord due : commands.openExpiredBy(now)) {
            if (due.status() == CommandStatus.QUEUED) {
                if (update(due.with(CommandStatus.EXPIRED, "the kiosk did not start it before it expired",
                        List.of(), now), CommandStatus.QUEUED)) {
                    changed++;
                }
            } else if (!now.isBefore(due.expiresAt().plusSeconds(due.seconds()).plus(RESULT_GRACE))) {
                if (update(due.with(CommandStatus.FAILED, "no result from the kiosk in time", List.of(),
                        now), CommandStatus.RUNNING)) {
                    changed++;
                }
            }
        }
        for (CommandRecord waiting : commands.unpublished(now)) {
            publish(waiting, now);
        }
        return changed;
    }

    private void publish(CommandRecord record, Instant now) {
        Duration remaining = Duration.between(now, record.expiresAt());
        try {
            publisher.publish(record.toCommand(), remaining).thenRunAsync(() -> commands.markPublished(record.id()),
                    blocking).exceptionally(failure -> {
                        LOG.debug("Command {} not published yet (sent again): {}", record.id(), failure.toString());
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.debug("Command {} not published yet (sent again): {}", record.id(), e.toString());
        }
    }
}

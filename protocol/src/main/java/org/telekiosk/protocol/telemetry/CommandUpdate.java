package org.telekiosk.protocol.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;

/**
 * A kiosk's report on a {@link Command}, on its {@code commands} topic (QoS 1):
 * {@code RUNNING} when it starts, then one of {@code DONE} (with the readings it produced, which travel as ordinary
 * measurements and waveforms), {@code FAILED} (with a reason) or {@code EXPIRED} (it arrived too late to run).
 *
 * @param kiosk   the kiosk; must equal the topic's kiosk
 * @param command the command's id
 * @param state   the state reached
 * @param reason  for {@code FAILED}, why, for the doctor (1 to {@value #MAX_REASON} characters, no control
 *                characters); empty for every other state
 * @param seqs    for {@code DONE}, the sequence numbers of the readings it produced (at most {@value #MAX_SEQS}, each at
 *                least 1); empty for every other state
 * @param at      when the kiosk reached the state
 */
public record CommandUpdate(KioskId kiosk, UUID command, CommandState state, String reason, List<Long> seqs,
        Instant at) implements KioskMessage {
    /** The longest reason. */
    public static final int MAX_REASON = 200;
    /** The most readings one command may list (an ECG of 60 s in batches of a quarter second, with room). */
    public static final int MAX_SEQS = 512;

    public CommandUpdate {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(seqs, "seqs");
        Objects.requireNonNull(at, "at");
        if (state == CommandState.FAILED) {
            if (reason.isEmpty() || reason.length() > MAX_REASON
                    || reason.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a FAILED update needs a reason of 1 to " + MAX_REASON
                        + " characters without control characters");
            }
        } else if (!reason.isEmpty()) {
            throw new IllegalArgumentException("only a FAILED update has a reason");
        }
        if (state != CommandState.DONE && !seqs.isEmpty()) {
            throw new IllegalArgumentException("only a DONE update lists readings");
        }
        if (seqs.size() > MAX_SEQS) {
            throw new IllegalArgumentException("at most " + MAX_SEQS + " readings, listed " + seqs.size());
        }
        for (Long seq : seqs) {
            if (Objects.requireNonNull(seq, "seqs entry") < 1) {
                throw new IllegalArgumentException("seqs must be at least 1, was " + seq);
            }
        }
        seqs = List.copyOf(seqs);
    }

    public static CommandUpdate running(KioskId kiosk, UUID command, Instant at) {
        return new CommandUpdate(kiosk, command, CommandState.RUNNING, "", List.of(), at);
    }

    public static CommandUpdate done(KioskId kiosk, UUID command, List<Long> seqs, Instant at) {
        return new CommandUpdate(kiosk, command, CommandState.DONE, "", seqs, at);
    }

    /** A FAILED update; a reason that is too long or has control characters is made fit rather than refused. */
    public static CommandUpdate failed(KioskId kiosk, UUID command, String reason, Instant at) {
        String fit = String.valueOf(reason).replaceAll("\\p{Cntrl}", " ").strip();
        if (fit.isEmpty()) {
            fit = "failed";
        }
        if (fit.length() > MAX_REASON) {
            fit = fit.substring(0, MAX_REASON - 1) + "…";
        }
        return new CommandUpdate(kiosk, command, CommandState.FAILED, fit, List.of(), at);
    }

    public static CommandUpdate expired(KioskId kiosk, UUID command, Instant at) {
        return new CommandUpdate(kiosk, command, CommandState.EXPIRED, "", List.of(), at);
    }
}

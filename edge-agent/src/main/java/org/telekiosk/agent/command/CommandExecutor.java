package org.telekiosk.agent.command;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.telemetry.CommandUpdate;

/**
 * Runs the broker's measurement commands one at a time on a worker thread of its own (never on the MQTT client's
 * thread), in the order they arrive: a command that arrives after its {@code expiresAt} (by this kiosk's clock) is
 * not run and reported {@code EXPIRED}; otherwise {@code RUNNING}, then {@code DONE} with the result readings'
 * sequence numbers or {@code FAILED} with the reason. A command that arrives again (QoS 1 redelivery, or the broker
 * sending it again) is run once: the ids of the last {@value #REMEMBERED} commands are remembered.
 */
public final class CommandExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);
    static final int REMEMBERED = 256;

    private final KioskId kiosk;
    private final CommandActions actions;
    private final Consumer<CommandUpdate> updates;
    private final Clock clock;
    private volatile Command running;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("telekiosk-commands").daemon().factory());
    private final Map<UUID, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** @param updates takes each update to send (the {@link UpdateSender}); must not block */
    public CommandExecutor(KioskId kiosk, CommandActions actions, Consumer<CommandUpdate> updates, Clock clock) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The command being run now, if any: the kiosk is not at a quiet moment for an update. */
    public java.util.Optional<String> busy() {
        Command now = running;
        return now == null ? java.util.Optional.empty()
                : java.util.Optional.of("a measurement is under way (" + now.kind() + ")");
    }

    /** Takes a command from the broker; returns at once. */
    public void accept(Command command) {
        if (!command.kiosk().equals(kiosk)) {
            LOG.warn("Ignoring command {} for kiosk {}", command.id(), command.kiosk());
            return;
        }
        synchronized (seen) {
            if (seen.putIfAbsent(command.id(), Boolean.TRUE) != null) {
                LOG.debug("Command {} arrived again; it runs once", command.id());
                return;
            }
        }
        try {
            worker.execute(() -> run(command));
        } catch (RejectedExecutionException e) {
            LOG.debug("Agent stopping; command {} not run", command.id());
        }
    }

    private void run(Command command) {
        running = command;
        try {
            runNow(command);
        } finally {
            running = null;
        }
    }

    private void runNow(Command command) {
        if (command.expiredAt(clock.instant())) {
            LOG.info("Command {} ({}) arrived after it expired at {}; not run", command.id(), command.kind(),
                    command.expiresAt());
            updates.accept(CommandUpdate.expired(kiosk, command.id(), clock.instant()));
            return;
        }
        LOG.info("Running command {}: {}{}", command.id(), command.kind(),
                command.seconds() > 0 ? " for " + command.seconds() + " s" : "");
        updates.accept(CommandUpdate.running(kiosk, command.id(), clock.instant()));
        try {
            List<Long> seqs = actions.run(command.kind(), command.seconds());
            updates.accept(CommandUpdate.done(kiosk, command.id(), seqs, clock.instant()));
        } catch (CommandActions.CommandFailure e) {
            LOG.warn("Command {} ({}) failed: {}", command.id(), command.kind(), e.getMessage());
            updates.accept(CommandUpdate.failed(kiosk, command.id(), e.getMessage(), clock.instant()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            updates.accept(CommandUpdate.failed(kiosk, command.id(), "the kiosk's agent stopped", clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("Command {} ({}) failed", command.id(), command.kind(), e);
            updates.accept(CommandUpdate.failed(kiosk, command.id(), "internal error: " + e.getClass().getSimpleName(),
                    clock.instant()));
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}

package org.telekiosk.agent.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * Makes the kiosk's {@link KioskStatus} messages: the first once every sensor has been probed (or, should a probe
 * hang, once {@code startGrace} has passed), then one at every change of a sensor's state and whenever
 * {@code interval} has passed since the last, each with the outbox's queued and dropped counts and any fault found in the outbox file at start. Nothing here runs
 * by itself: the agent calls {@link #tick()} every second and {@link #healthChanged()} from the board's listener, so
 * tests drive it with a fake clock. Thread-safe.
 */
public final class StatusReporter {
    private final KioskId kiosk;
    private final SensorHealthBoard board;
    private final Supplier<OutboxSender.Status> queue;
    private final Clock clock;
    private final Duration interval;
    private final Instant graceEnds;
    private final Consumer<KioskStatus> sink;
    private boolean started;
    private Instant lastSent;

    /**
     * @param interval   the longest time between two status messages
     * @param startGrace how long the first status waits for every sensor's probe
     * @param sink       where status messages go (the outbox sender); must not block
     */
    public StatusReporter(KioskId kiosk, SensorHealthBoard board, Supplier<OutboxSender.Status> queue, Clock clock,
            Duration interval, Duration startGrace, Consumer<KioskStatus> sink) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.board = Objects.requireNonNull(board, "board");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.graceEnds = clock.instant().plus(startGrace);
    }

    /** A sensor changed state: sends a status now, once the first one is out. */
    public synchronized void healthChanged() {
        if (started || board.allProbed()) {
            send();
        }
    }

    /** Sends the first status when its time has come, and later ones when {@code interval} has passed. */
    public synchronized void tick() {
        Instant now = clock.instant();
        if (!started) {
            if (board.allProbed() || !now.isBefore(graceEnds)) {
                send();
            }
        } else if (!now.isBefore(lastSent.plus(interval))) {
            send();
        }
    }

    private void send() {
        started = true;
        lastSent = clock.instant();
        OutboxSender.Status counts = queue.get();
        sink.accept(new KioskStatus(kiosk, lastSent, board.snapshot(), counts.queued(), counts.dropped(),
                counts.fault(), counts.heldFrom()));
    }
}

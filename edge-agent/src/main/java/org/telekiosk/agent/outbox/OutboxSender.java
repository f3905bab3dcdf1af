package org.telekiosk.agent.outbox;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * Sends what the {@link Outbox} holds through the {@link Uplink}, and deletes readings from it once the broker's store
 * acknowledged them ({@link StoreAck}: everything up to a number is stored).
 *
 * <p><b>Two acknowledgements.</b> The MQTT PUBACK only frees the reading's place in the in-flight window and marks it
 * sent: an MQTT broker killed mid-stream can lose QoS 1 messages it had acknowledged (HiveMQ CE does). The store
 * acknowledgement deletes. A reading sent but not covered by a store acknowledgement is sent again, in sequence order
 * with the rest of what the outbox holds, after every reconnect, and while connected once the store acknowledgement
 * has stood still for {@code outbox.store-ack-timeout} while a reading PUBACKed at least that long ago is not
 * covered. The store keeps one copy of whatever comes twice. Where the connection's CONNACK granted the PUBACK as the
 * store acknowledgement ({@link Puback#STORED}: the broker answers only after its store's commit), the PUBACK deletes
 * its reading at once and the store-ack still deletes what it covers (after a reconnect: the retained one).
 *
 * <p><b>Live first, backlog behind, both in order.</b> At every (re)connect the readings on disk split at the highest
 * committed number (the boundary): those at or below it are the backlog, those committed later are live. Whenever the
 * uplink's in-flight window has room, a live reading goes first (in sequence order); only when none is waiting does a
 * backlog reading go (in sequence order), and then only as fast as {@code outbox.drain-rate} allows (a token bucket of
 * one tenth of a second's worth). So a live reading waits at most for one acknowledgement of a backlog reading, not
 * for the backlog, and the backlog cannot take the whole of a thin rural link from the video. The broker's gap
 * tracking accepts the two interleaved orders (a live reading opens a gap that the backlog fills). The alternative,
 * strictly one order, would hold live readings behind a backlog that takes minutes to drain after a long outage.
 *
 * <p>After a failed publish (lost with the connection) the sender waits until nothing is in flight and the uplink
 * reconnects (or the retry timer fires), then starts again from the lowest number on disk; what the broker got twice
 * it stores once. {@link KioskStatus} messages are not readings: the latest one waits in a {@link StatusSlot} and goes
 * before the readings. All state lives on one thread ("telekiosk-outbox-sender"); memory is bounded by two pages of
 * readings and the window.
 *
 * <p>Parts: {@link ReadingQueues} (live and backlog, a page at a time), {@link DrainPacing} (the backlog's token
 * bucket), {@link StoreAckWatch} (the store acknowledgement and what it does not cover yet), {@link QuotaHold} (the
 * pause after a PUBACK 0x97), {@link StatusSlot}, {@link OutboxAcks} (what each acknowledgement does to the outbox);
 * this class sends, and hands each acknowledgement on.
 */
public final class OutboxSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);

    /**
     * What the sender and outbox hold and have done, for status reports.
     *
     * @param queued       readings held, including those in flight
     * @param inFlight     readings sent and not yet acknowledged
     * @param acknowledged readings acknowledged by the MQTT broker (PUBACK) since start
     * @param storedThrough the highest store acknowledgement received since start (0: none yet)
     * @param heldFrom     the outbox's {@link Outbox#heldFrom()}, for the broker
     * @param dropped      readings dropped over the outbox's lifetime (full storage and failed writes)
     * @param refused      readings the broker refused (PUBACK 0x80 or more, or named in a store-ack), quarantined in
     *                     the outbox, over the outbox file's lifetime
     * @param fault        empty, or what was wrong with the outbox file at start
     */
    public record Status(long queued, int inFlight, long acknowledged, long storedThrough, long heldFrom, long dropped,
            long refused, String fault) {}

    private final Outbox outbox;
    private final Uplink uplink;
    private final long retryDelayNanos;
    private final LongSupplier nanoTime;
    private final DrainPacing pacing;
    private final ScheduledExecutorService executor;
    private final StatusSlot status;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong throttled = new AtomicLong();
    private final ReadingQueues queues;
    private final StoreAckWatch storeAcks;
    private final OutboxAcks acks;
    private boolean rewindPending = true;
    /** Set by a rewind: the first reading sent after it is logged (where sending starts after a (re)connect). */
    private boolean firstAfterRewind;
    private ScheduledFuture<?> retry;
    /** After a PUBACK 0x97: the pause, and the task that ends it. */
    private final QuotaHold hold;
    private ScheduledFuture<?> resume;
    private ScheduledFuture<?> refill;

    /**
     * A sender on a thread of its own, "telekiosk-outbox-sender".
     *
     * @param nanoTime the monotonic clock of the drain rate and the timeouts ({@code System::nanoTime})
     */
    public OutboxSender(Outbox outbox, Uplink uplink, OutboxSettings settings, LongSupplier nanoTime) {
        this(outbox, uplink, settings, nanoTime, ownThread());
    }

    /**
     * A sender on {@code executor}, which must run one task at a time, in order (all state lives on it); the sender
     * owns it and shuts it down on {@link #close()}. Tests pass a scheduler whose time they step, together with the
     * same time as {@code nanoTime}.
     */
    public OutboxSender(Outbox outbox, Uplink uplink, OutboxSettings settings, LongSupplier nanoTime,
            ScheduledExecutorService executor) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.uplink = Objects.requireNonNull(uplink, "uplink");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.retryDelayNanos = settings.retryDelay().toNanos();
        long now = nanoTime.getAsLong();
        this.pacing = new DrainPacing(settings.drainRate(), now);
        this.storeAcks = new StoreAckWatch(settings.storeAckTimeout().toNanos(), now);
        this.acks = new OutboxAcks(outbox, storeAcks, nanoTime);
        this.queues = new ReadingQueues(outbox);
        this.hold = new QuotaHold(retryDelayNanos);
        this.executor = Objects.requireNonNull(executor, "executor");
        this.status = new StatusSlot(uplink, executor, this::retryLater);
        outbox.protect(inFlight::contains);
    }

    private static ScheduledExecutorService ownThread() {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("telekiosk-outbox-sender").daemon().factory());
        thread.setRemoveOnCancelPolicy(true);
        return thread;
    }

    /** Sends after every commit and every reconnect; call before the uplink's {@code start()}. */
    public void start() {
        outbox.onCommit(() -> run(this::drain));
        uplink.addConnectedListener(() -> run(() -> {
            rewindPending = true;
            drain();
        }));
        uplink.addStoreAckListener(ack -> run(() -> acks.storeAcknowledged(ack)));
        // Holding readings, it waits for the retained store acknowledgement before it resends any after a reconnect.
        uplink.expectStoreAck(() -> outbox.heldFrom() <= outbox.committedSeq());
        long check = storeAcks.checkPeriodNanos();
        executor.scheduleWithFixedDelay(this::checkStoreAck, check, check, TimeUnit.NANOSECONDS);
        run(this::drain);
    }

    /**
     * Sends {@code status} as soon as the uplink takes publishes, replacing any older status not yet sent; returns at
     * once. Any thread.
     */
    public void publishStatus(KioskStatus kioskStatus) {
        Objects.requireNonNull(kioskStatus, "kioskStatus");
        run(() -> status.offer(kioskStatus));
    }

    /** Publishes the broker answered PUBACK 0x97 "quota exceeded" since start (each sent again later). Any thread. */
    public long throttledCount() {
        return throttled.get();
    }

    /** A snapshot; any thread. */
    public Status status() {
        Outbox.Status held = outbox.status();
        return new Status(held.held(), inFlight.size(), acks.acknowledged(), storeAcks.storedThrough(),
                outbox.heldFrom(),
                held.dropped(), held.refused(), held.fault());
    }

    /** Stops sending; what is not acknowledged stays in the outbox for the next start. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the sender's thread ----

    private void drain() {
        status.send();
        long held = hold.remaining(nanoTime.getAsLong());
        if (held > 0) {
            if (resume == null || resume.isDone()) {
                resume = executor.schedule(() -> {
                    resume = null;
                    drain();
                }, held, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (!uplink.isConnected()) {
            // Everything goes again after the reconnect, whose listener drains.
            rewindPending = true;
            return;
        }
        if (rewindPending) {
            if (!inFlight.isEmpty()) {
                return; // rewound when the last in-flight publish completes
            }
            rewind();
        }
        try {
            while (true) {
                Outbox.Stored next = queues.peekLive();
                boolean fromBacklog = false;
                if (next == null) {
                    next = nextBacklog();
                    fromBacklog = true;
                }
                if (next == null) {
                    return;
                }
                if (next.seq() <= storeAcks.storedThrough()) {
                    // Read before its delete was committed: the store has it.
                    queues.take(fromBacklog);
                    continue;
                }
                if (!send(next)) {
                    return;
                }
                if (firstAfterRewind && inFlight.contains(next.seq())) {
                    firstAfterRewind = false;
                    log.info("Sending from reading {} (store acknowledgement {})", next.seq(),
                            storeAcks.storedThrough());
                }
                queues.take(fromBacklog);
                if (fromBacklog) {
                    pacing.take();
                }
            }
        } catch (IOException e) {
            log.error("Cannot read the outbox; trying again later: {}", e.getMessage());
            retryLater();
        }
    }

    /** Starts again from the lowest number on disk; only with nothing in flight. */
    private void rewind() {
        rewindPending = false;
        firstAfterRewind = true;
        queues.rewind();
        storeAcks.forgetSent();
    }

    /** Sends everything again if the store acknowledgement stalled ({@link StoreAckWatch#stalled}). */
    private void checkStoreAck() {
        OptionalLong lost = storeAcks.stalled(nanoTime.getAsLong());
        if (lost.isPresent()) {
            log.warn("Reading {} was acknowledged by the MQTT broker but the store has not acknowledged it (store "
                    + "acknowledgement {}); sending everything held again", lost.getAsLong(),
                    storeAcks.storedThrough());
            rewindPending = true;
            drain();
        }
    }

    /** The next backlog reading, if the drain rate allows one now; otherwise a refill is scheduled. */
    private Outbox.Stored nextBacklog() throws IOException {
        Outbox.Stored next = queues.peekBacklog();
        if (next == null) {
            return null;
        }
        if (!pacing.hasToken(nanoTime.getAsLong())) {
            if (refill == null || refill.isDone()) {
                long wait = pacing.nanosUntilToken();
                // The task forgets itself first: while it runs it is not done, and a drain that still finds too few
                // tokens (rounding, or a clock that has not moved) must be able to schedule the next refill.
                refill = executor.schedule(() -> {
                    refill = null;
                    drain();
                }, Math.max(wait, 1_000_000), TimeUnit.NANOSECONDS);
            }
            return null;
        }
        return next;
    }

    /** Publishes {@code reading}; false if nothing more can go now (it stays first in its queue). */
    private boolean send(Outbox.Stored reading) {
        CompletableFuture<Puback> ack;
        try {
            ack = uplink.publishReading(reading.reading());
        } catch (RuntimeException e) {
            // The port never throws; if an implementation does, keep the reading and try again later.
            log.error("The uplink failed to take reading {}", reading.seq(), e);
            ack = CompletableFuture.failedFuture(e);
        }
        if (ack.isCompletedExceptionally()) {
            UplinkException failure = UplinkException.of(ack);
            switch (failure.reason()) {
                case REFUSED -> {
                    acks.refused(reading.seq(), failure);
                    return true;
                }
                case WINDOW_FULL -> {
                    // The next acknowledgement drains again; the timer is the backstop.
                    retryLater();
                    return false;
                }
                default -> {
                    rewindPending = true;
                    retryLater();
                    return false;
                }
            }
        }
        inFlight.add(reading.seq());
        ack.whenCompleteAsync((what, failure) -> completed(reading.seq(), what, failure), executor);
        return true;
    }

    private void completed(long seq, Puback what, Throwable failure) {
        inFlight.remove(seq);
        if (failure == null) {
            acks.pubacked(seq, what);
        } else {
            UplinkException cause = UplinkException.of(failure);
            if (cause.reason() == Reason.REFUSED) {
                acks.refused(seq, cause);
            } else if (cause.reason() == Reason.THROTTLED) {
                throttled(seq);
            } else {
                log.debug("Reading {} not acknowledged ({}); will resend", seq, cause.getMessage());
                rewindPending = true;
                retryLater();
            }
        }
        drain();
    }

    /**
     * PUBACK 0x97: the broker's quota for this kiosk is used up. The reading stays in the outbox; no reading is sent
     * for {@code outbox.retry-delay} (the status still goes), then everything not stored is sent again in order (a
     * rewind). The pause lets the kiosk's quota at the broker refill.
     */
    private void throttled(long seq) {
        throttled.incrementAndGet();
        if (hold.hold(nanoTime.getAsLong())) {
            log.warn("The broker's publish quota for this kiosk is used up (PUBACK 0x97 for reading {}); kept, "
                    + "sending again after the retry delay", seq);
        }
        rewindPending = true;
    }

    private void retryLater() {
        if (retry == null || retry.isDone()) {
            retry = executor.schedule(() -> {
                retry = null;
                drain();
            }, retryDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // An executor keeps a task's exception in its future, which nobody reads: without this the
                    // sender would stop without a word until the next commit or acknowledgement.
                    log.error("The outbox sender failed; trying again after the retry delay", e);
                    retryLater();
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Sender closed; ignoring an event");
        }
    }
}

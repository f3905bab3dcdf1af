package org.telekiosk.agent.sampling;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Between the {@link Sampler} and the {@link Uplink}: keeps every reading (a {@link Measurement} or a
 * {@link WaveformBatch}) until the broker acknowledged it, and sends in sequence order. It is the in-memory stand-in for the crash-safe on-disk outbox (SQLite in WAL mode) of a later
 * issue: readings held here are lost if the process dies.
 *
 * <p>The queue is bounded; when it is full, the oldest waveform batch not currently in flight is dropped (the design's
 * rule: waveforms go first, never spot readings, while there are waveforms to drop), else the oldest reading not in
 * flight, and counted in {@link Status#dropped()}. A reading leaves the queue only on acknowledgement, or when the broker refuses it (a
 * PUBACK error, MQTT 5 §3.4.2.1: resending would be refused again; counted in {@link Status#refused()}). Readings
 * that failed with {@code DISCONNECTED}, {@code WINDOW_FULL} or {@code LOST} stay and are sent again, oldest first.
 * Nothing polls: sending is driven by new readings, acknowledgements and the uplink's reconnects, with one retry
 * timer as a backstop. All state lives on one thread ("telekiosk-forwarder").
 *
 * <p>{@link KioskStatus} messages are not readings: they carry no sequence number and are not queued in order with
 * readings. The latest one wins: it is sent before the readings whenever the uplink takes publishes, and a newer
 * status replaces an older one not yet sent. A status lost with the connection is sent again after the reconnect,
 * unless a newer one has replaced it.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    /** The capacity used when the configuration does not say. */
    public static final int DEFAULT_CAPACITY = 10_000;

    /**
     * What the forwarder holds and has done, for status reports.
     *
     * @param queued       readings held, including those in flight
     * @param inFlight     readings sent and not yet acknowledged
     * @param acknowledged readings acknowledged by the broker since start
     * @param dropped      readings dropped because the queue was full
     * @param refused      readings the broker refused
     */
    public record Status(int queued, int inFlight, long acknowledged, long dropped, long refused) {}

    /** One held reading. */
    private static final class Entry {
        final KioskMessage reading;
        final long seq;
        boolean inFlight;

        Entry(KioskMessage reading, long seq) {
            this.reading = reading;
            this.seq = seq;
        }

        String describe() {
            return switch (reading) {
                case Measurement m -> "reading " + seq + " of sensor " + m.sensor();
                case WaveformBatch w -> "waveform batch " + seq + " of sensor " + w.sensor();
                case KioskStatus status -> "status";
            };
        }
    }

    private final Uplink uplink;
    private final int capacity;
    private final Duration retryDelay;
    private final ScheduledThreadPoolExecutor executor;
    private final TreeMap<Long, Entry> queue = new TreeMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    // Written on the forwarder thread only, read by status().
    private volatile int queued;
    private volatile int inFlight;
    private final StatusSlot status;
    private ScheduledFuture<?> retry;
    private boolean overflowing;

    /**
     * @param capacity   most readings held, in flight included
     * @param retryDelay how long to wait before sending again after a failure, when no acknowledgement or reconnect
     *                   comes first
     */
    public Forwarder(Uplink uplink, int capacity, Duration retryDelay) {
        this.uplink = Objects.requireNonNull(uplink, "uplink");
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (retryDelay.toMillis() < 1) {
            throw new IllegalArgumentException("retryDelay must be at least 1 ms, was " + retryDelay);
        }
        this.capacity = capacity;
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "telekiosk-forwarder");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.status = new StatusSlot(uplink, executor, this::retryLater);
    }

    /** Sends again after every reconnect of the uplink; call before the uplink's {@code start()}. */
    public void start() {
        uplink.addConnectedListener(() -> run(this::drain));
    }

    /** Queues a reading for sending; returns at once. Any thread. */
    public void offer(Measurement measurement) {
        Objects.requireNonNull(measurement, "measurement");
        offerReading(measurement, measurement.seq());
    }

    /** Queues a waveform batch for sending, in sequence order with the measurements; returns at once. Any thread. */
    public void offer(WaveformBatch batch) {
        Objects.requireNonNull(batch, "batch");
        offerReading(batch, batch.seq());
    }

    /**
     * Sends {@code status} as soon as the uplink takes publishes, replacing any older status not yet sent; returns at
     * once. Any thread.
     */
    public void publishStatus(KioskStatus kioskStatus) {
        Objects.requireNonNull(kioskStatus, "kioskStatus");
        run(() -> status.offer(kioskStatus));
    }

    private void offerReading(KioskMessage reading, long seq) {
        try {
            executor.execute(() -> {
                if (queue.size() >= capacity) {
                    dropOldest();
                }
                queue.put(seq, new Entry(reading, seq));
                drain();
            });
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
            log.debug("Forwarder closed; reading {} dropped", seq);
        }
    }

    /** A snapshot; any thread. */
    public Status status() {
        return new Status(queued, inFlight, acknowledged.get(), dropped.get(), refused.get());
    }

    /** Stops sending; what is still queued is lost (see the class comment). Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (queued > 0) {
            log.warn("Forwarder closed with {} unacknowledged readings in memory; they are lost", queued);
        }
    }

    // ---- forwarder thread ----

    private void drain() {
        status.send();
        for (Iterator<Entry> it = queue.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.inFlight) {
                continue;
            }
            CompletableFuture<Void> ack;
            try {
                ack = uplink.publish(entry.reading);
            } catch (RuntimeException e) {
                // The port never throws; if an implementation does, keep the reading and try again later.
                log.error("The uplink failed to take {}", entry.describe(), e);
                ack = CompletableFuture.failedFuture(e);
            }
            if (ack.isCompletedExceptionally()) {
                UplinkException failure = cause(ack);
                if (failure.reason() != UplinkException.Reason.REFUSED) {
                    // Disconnected or window full: nothing further can go now either.
                    retryLater();
                    break;
                }
                it.remove();
                refusedBy(entry, failure);
                continue;
            }
            entry.inFlight = true;
            inFlight++;
            ack.whenCompleteAsync((ok, failure) -> completed(entry, failure), executor);
        }
        counts();
    }

    private void completed(Entry entry, Throwable failure) {
        entry.inFlight = false;
        inFlight--;
        if (failure == null) {
            acknowledged.incrementAndGet();
            queue.remove(entry.seq, entry);
            drain();
            return;
        }
        UplinkException cause = unwrap(failure);
        if (cause.reason() == UplinkException.Reason.REFUSED) {
            queue.remove(entry.seq, entry);
            refusedBy(entry, cause);
            drain();
            return;
        }
        // Lost with the connection, or not sent: stays queued for the reconnect (or the retry timer).
        log.debug("{} not acknowledged ({}); will resend", entry.describe(), cause.getMessage());
        retryLater();
        counts();
    }

    private void dropOldest() {
        Entry victim = null;
        for (Entry entry : queue.values()) {
            if (!entry.inFlight && entry.reading instanceof WaveformBatch) {
                victim = entry;
                break;
            }
        }
        if (victim == null) {
            for (Entry entry : queue.values()) {
                if (!entry.inFlight) {
                    victim = entry;
                    break;
                }
            }
        }
        if (victim != null) {
            queue.remove(victim.seq, victim);
        }
        if (victim == null) {
            // Everything is in flight; its acknowledgement will simply find nothing to remove.
            Map.Entry<Long, Entry> oldest = queue.pollFirstEntry();
            victim = oldest.getValue();
        }
        long total = dropped.incrementAndGet();
        if (!overflowing) {
            overflowing = true;
            log.warn("Forwarder queue full ({} readings): dropping the oldest, starting with reading {} "
                    + "(dropped since start: {})", capacity, victim.seq, total);
        }
    }

    private void refusedBy(Entry entry, UplinkException failure) {
        refused.incrementAndGet();
        log.warn("The broker refused {}; dropped: {}", entry.describe(), failure.getMessage());
    }

    private void retryLater() {
        if (retry == null || retry.isDone()) {
            retry = executor.schedule(this::drain, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void counts() {
        queued = queue.size();
        if (overflowing && queued < capacity) {
            overflowing = false;
            log.info("Forwarder queue has room again (dropped since start: {})", dropped.get());
        }
    }

    /** Runs {@code task} on the forwarder thread; after close, drops it (the queue is gone with the process). */
    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Forwarder closed; ignoring an uplink event");
        }
    }

    static UplinkException cause(CompletableFuture<Void> failed) {
        try {
            failed.join();
        } catch (CompletionException e) {
            return unwrap(e);
        }
        throw new IllegalStateException("not failed");
    }

    static UplinkException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof UplinkException uplinkException) {
            return uplinkException;
        }
        // The port promises UplinkException; anything else is treated as a lost publish and resent.
        return new UplinkException(UplinkException.Reason.LOST, String.valueOf(cause), cause);
    }
}

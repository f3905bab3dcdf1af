package org.telekiosk.agent.outbox;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.outbox.OutboxBatch.Append;
import org.telekiosk.agent.outbox.OutboxBatch.Delete;
import org.telekiosk.agent.outbox.OutboxBatch.DeleteThrough;
import org.telekiosk.agent.outbox.OutboxBatch.Op;
import org.telekiosk.agent.outbox.OutboxBatch.Stop;
import org.telekiosk.agent.sampling.ReadingJournal;
import org.telekiosk.agent.sampling.SequenceCounter;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The kiosk's crash-safe outbox: every reading ({@link Measurement}, {@link WaveformBatch}) is numbered here and
 * kept in an SQLite file in WAL mode until the broker acknowledged it.
 *
 * <p><b>Numbers.</b> {@link #record} hands out the next sequence number (strictly increasing, never repeated across
 * restarts) and queues the reading for the writer thread ("telekiosk-outbox"), which commits whatever has queued in
 * one transaction (group commit) with the configured {@link SyncPolicy}, storing the highest number in the same
 * transaction. Only then does the {@link OutboxSender} see the reading: nothing is published before it is committed.
 * A reading recorded but not yet committed when the process dies was never published; its number is handed out again
 * after the restart, which the broker cannot tell from a first use. Beside the file, a high-water mark ({@code
 * sequence}, fsync'd, {@link #RESERVE} numbers ahead) makes numbers continue above every number ever handed out even if
 * the outbox file is lost or corrupt.
 *
 * <p><b>Not blocking the samplers.</b> {@link #record} takes a lock, encodes the reading (CBOR) and queues it; the
 * disk is touched only on the writer thread. The queue is bounded ({@link #MAX_QUEUED}): if the disk stalls that long,
 * further readings are dropped and counted rather than blocking a sampler.
 *
 * <p><b>Bounded.</b> When the payload bytes held exceed {@code outbox.max-bytes}, the oldest waveform batches not in
 * flight are deleted in the commit that went over, and counted in {@link Status#dropped()} (kept in the file, so the
 * count survives restarts); spot readings are never dropped, so a backlog of spot readings alone may exceed the limit
 * (logged).
 *
 * <p><b>Acknowledged.</b> {@link #storedThrough} deletes every reading up to a number in the next commit: the broker's
 * store acknowledgement ({@link StoreAck}), not the MQTT broker's PUBACK, which an MQTT
 * broker killed mid-stream can take back; or {@link #stored} one reading on a PUBACK that, negotiated, the broker sent
 * after its store's commit. A delete lost in a crash only means the readings are sent again; the broker
 * deduplicates by (kiosk, seq). {@link #heldFrom()} is what the kiosk tells the broker in every status: below it, it
 * holds nothing, so the broker's acknowledgement may pass over its gaps there.
 */
public final class Outbox implements ReadingJournal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** The outbox file in the data directory. */
    public static final String FILE_NAME = "outbox.db";
    /** How far the on-disk high-water mark runs ahead of the numbers handed out. */
    static final long RESERVE = 10_000;
    /** Most readings queued for the writer; beyond, readings are dropped and counted instead of blocking. */
    static final int MAX_QUEUED = 100_000;
    private static final int MAX_BATCH = 4_096;

    /**
     * What the outbox holds and has lost, for status reports.
     *
     * @param held    readings on disk and not yet acknowledged, plus those queued for the writer
     * @param bytes   payload bytes on disk
     * @param dropped readings dropped over the outbox's lifetime (full storage, a write that failed, an unreadable row)
     * @param fault   empty, or what was wrong with the outbox file at start and what was recovered
     * @param refused readings the broker refused, kept in quarantine (over the outbox file's lifetime)
     */
    public record Status(long held, long bytes, long dropped, String fault, long refused) {}

    /** One reading read back for sending. */
    record Stored(long seq, KioskMessage reading) {}

    private final Path file;
    private final Clock clock;
    private final OutboxSettings settings;
    private final SequenceCounter highWater;
    private final WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private final SizeLimit sizeLimit;
    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedAppends = new AtomicLong();
    private final AtomicLong committedSeq = new AtomicLong();
    private final AtomicLong dropped;
    private final AtomicLong refused = new AtomicLong();
    private final String fault;
    private final Connection writer;
    private final OutboxReader reader;
    private final Thread writerThread;
    private final Object appendLock = new Object();
    private volatile Runnable commitListener = () -> { };
    private volatile LongPredicate inFlight = seq -> false;
    private volatile long held;
    /** Lowest seq on disk, or one above the highest committed; computed by the writer after each commit. */
    private volatile long heldFrom;
    private volatile long bytes;
    private long lastSeq;
    private boolean writeFailing;
    private volatile boolean closed;

    private Outbox(Path file, OutboxSettings settings, SequenceCounter highWater, OutboxFile.Opened opened,
            Connection reader, Clock clock) throws SQLException {
        this.clock = clock;
        this.file = file;
        this.settings = settings;
        this.highWater = highWater;
        this.sizeLimit = new SizeLimit(settings.maxBytes());
        this.writer = opened.connection();
        this.reader = new OutboxReader(reader, codec, seq -> queue.add(new Delete(seq, true)));
        this.fault = opened.fault();
        // A fresh or recovered file may know less than the high-water mark; a sound one knows exactly.
        this.lastSeq = opened.fresh() ? Math.max(opened.lastSeq(), highWater.last()) : opened.lastSeq();
        this.committedSeq.set(lastSeq);
        this.dropped = new AtomicLong(opened.dropped());
        OutboxFile.Contents contents = OutboxFile.contents(writer, lastSeq);
        this.refused.set(contents.quarantined());
        this.held = contents.held();
        this.bytes = contents.bytes();
        this.heldFrom = contents.heldFrom();
        writer.commit();
        this.writerThread = Thread.ofPlatform().name("telekiosk-outbox").daemon().unstarted(this::writeLoop);
    }

    /**
     * Opens (or creates) the outbox in {@code settings.directory()} and starts its writer thread. A file that is not
     * a sound outbox is moved aside and what can be read from it recovered ({@link Status#fault()} says so); the
     * agent keeps running.
     *
     * @param clock names a corrupt file moved aside
     * @throws IOException if the directory, the high-water mark or a fresh file cannot be written, or the high-water
     *                     mark is unreadable (numbers could repeat)
     */
    public static Outbox open(OutboxSettings settings, Clock clock) throws IOException {
        Path file = settings.directory().resolve(FILE_NAME);
        // The high-water mark is the walking skeleton's sequence file: its number, if any, is one handed out.
        SequenceCounter highWater = SequenceCounter.open(settings.directory());
        OutboxFile.Opened opened = OutboxFile.open(file, settings.sync(), clock);
        try {
            Connection reader = OutboxFile.connect(file, settings.sync());
            Outbox outbox = new Outbox(file, settings, highWater, opened, reader, clock);
            outbox.writerThread.start();
            log.info("Outbox {}: {} readings held ({} bytes), next sequence number {}, sync {}, {} dropped so far",
                    file, outbox.held, outbox.bytes, outbox.lastSeq + 1, settings.sync(), outbox.dropped.get());
            return outbox;
        } catch (SQLException e) {
            OutboxFile.close(opened.connection());
            throw new IOException("cannot open the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /** Calls {@code listener} on the writer thread after every commit that added readings; must return quickly. */
    void onCommit(Runnable listener) {
        this.commitListener = Objects.requireNonNull(listener, "listener");
    }

    /** Which readings are in flight: the size limit never drops those. */
    void protect(LongPredicate inFlight) {
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
    }

    @Override
    public <T extends KioskMessage> T record(LongFunction<T> reading) throws IOException {
        synchronized (appendLock) {
            if (closed) {
                throw new IOException("the outbox is closed");
            }
            long seq = Math.addExact(lastSeq, 1);
            T message = reading.apply(seq);
            boolean waveform = switch (message) {
                case Measurement m -> checkSeq(m.seq(), seq, false);
                case WaveformBatch w -> checkSeq(w.seq(), seq, true);
                case KioskStatus s -> throw new IllegalArgumentException("a status is not a reading");
                case CommandUpdate u ->
                        throw new IllegalArgumentException("a command update is not a reading");
                case Presence p -> throw new IllegalArgumentException("a presence is not a reading");
            };
            if (queuedAppends.get() >= MAX_QUEUED) {
                dropped.incrementAndGet();
                throw new IOException("the outbox writer is " + MAX_QUEUED + " readings behind; reading dropped");
            }
            byte[] payload = codec.encode(message);
            lastSeq = seq;
            queuedAppends.incrementAndGet();
            queue.add(new Append(seq, waveform, payload));
            return message;
        }
    }

    /**
     * Makes the next number handed out at least {@code next} (the enrollment answer's {@code nextSeq}): a kiosk
     * enrolled again with a fresh disk must not reuse numbers whose readings the broker stored. A no-op when the
     * outbox is already past it. Call before recording.
     */
    public void numberFrom(long next) throws IOException {
        synchronized (appendLock) {
            if (next - 1 > lastSeq) {
                log.info("Numbering continues at {} (the broker's enrollment answer), not {}", next, lastSeq + 1);
                // On the device before any of these numbers can be handed out.
                highWater.advanceTo(next - 1 + RESERVE);
                lastSeq = next - 1;
                if (held == 0 && queuedAppends.get() == 0) {
                    heldFrom = Math.max(heldFrom, next);
                }
            }
        }
    }

    private static boolean checkSeq(long actual, long expected, boolean waveform) {
        if (actual != expected) {
            throw new IllegalArgumentException("the reading must carry seq " + expected + ", carried " + actual);
        }
        return waveform;
    }

    /**
     * The broker refused {@code seq} (sending it again would be refused again): moved to the quarantine table in the
     * next commit, kept on disk, counted in {@link Status#refused()}, never sent again. Any thread.
     */
    void quarantine(long seq, String reason) {
        queue.add(new OutboxBatch.Quarantine(seq, reason.length() > 200 ? reason.substring(0, 200) : reason,
                clock.millis()));
    }

    /**
     * The broker's store holds every reading up to {@code seq} (or the kiosk had dropped it): all of them are deleted
     * in the next commit. Any thread.
     */
    void storedThrough(long seq) {
        queue.add(new DeleteThrough(seq));
    }

    /**
     * The broker's store holds reading {@code seq} (its PUBACK said so, on a connection that negotiated it): deleted in
     * the next commit. Any thread.
     */
    void stored(long seq) {
        queue.add(new Delete(seq, false));
    }

    /**
     * The lowest sequence number this outbox may still send: its lowest reading, or, holding none, one above the
     * highest committed. Never decreases; readings below it that the broker has not stored are lost for good.
     */
    public long heldFrom() {
        return heldFrom;
    }

    /** The highest sequence number committed to disk. */
    public long committedSeq() {
        return committedSeq.get();
    }

    /** Up to {@code limit} committed readings with {@code after < seq <= upTo}, in order ({@link OutboxReader}). */
    List<Stored> read(long after, long upTo, int limit) throws IOException {
        return reader.read(after, upTo, limit);
    }

    /** A snapshot; any thread. */
    public Status status() {
        return new Status(held + queuedAppends.get(), bytes, dropped.get(), fault, refused.get());
    }

    /** Commits what is queued, stops the writer and closes the file. Idempotent. */
    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Stop(done));
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The outbox writer did not stop cleanly: {}", e.toString());
        }
        reader.close();
    }

    @Override
    public String toString() {
        return "Outbox[" + file + ", " + status() + "]";
    }

    // ---- writer thread ----

    private void writeLoop() {
        List<Op> batch = new ArrayList<>(MAX_BATCH);
        Stop stop = null;
        while (stop == null) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // Only Stop ends this loop, so that nothing queued is left behind.
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            for (Op op : batch) {
                if (op instanceof Stop s) {
                    stop = s;
                }
            }
            commit(batch);
            batch.clear();
        }
        OutboxFile.close(writer);
        stop.done().complete(null);
    }

    private void commit(List<Op> batch) {
        int queued = (int) batch.stream().filter(Append.class::isInstance).count();
        try {
            OutboxBatch.Applied applied = OutboxBatch.apply(writer, batch);
            int appends = applied.appends();
            long maxSeq = applied.maxSeq();
            long addedBytes = applied.addedBytes();
            long removedBytes = applied.removedBytes();
            int removed = applied.removed();
            long quarantined = applied.quarantined();
            long newlyDropped = applied.newlyDropped();
            if (maxSeq > highWater.last() - RESERVE / 2) {
                // On the device before any of these numbers can be published.
                highWater.advanceTo(maxSeq + RESERVE);
            }
            SizeLimit.Trimmed trimmed = sizeLimit.trim(writer, bytes + addedBytes - removedBytes, inFlight,
                    dropped.get());
            removedBytes += trimmed.bytes();
            removed += (int) trimmed.rows();
            newlyDropped += trimmed.rows();
            long droppedTotal = dropped.get() + newlyDropped;
            try (PreparedStatement meta = writer.prepareStatement(
                    "UPDATE outbox_meta SET last_seq = max(last_seq, ?), dropped = ? WHERE id = 1")) {
                meta.setLong(1, maxSeq);
                meta.setLong(2, droppedTotal);
                meta.executeUpdate();
            }
            long committedAfter = Math.max(committedSeq.get(), maxSeq);
            long lowest = OutboxFile.lowestHeld(writer, committedAfter);
            writer.commit();
            heldFrom = Math.max(heldFrom, lowest);
            dropped.addAndGet(newlyDropped);
            refused.addAndGet(quarantined);
            held += appends - removed;
            bytes += addedBytes - removedBytes;
            if (writeFailing) {
                writeFailing = false;
                log.info("The outbox commits again");
            }
            queuedAppends.addAndGet(-queued);
            if (maxSeq > 0) {
                committedSeq.accumulateAndGet(maxSeq, Math::max);
                commitListener.run();
            }
            return;
        } catch (SQLException | IOException e) {
            queuedAppends.addAndGet(-queued);
            rollback();
            if (queued > 0) {
                // Never published; their numbers leave a gap the broker reports as lost.
                dropped.addAndGet(queued);
            }
            if (!writeFailing) {
                writeFailing = true;
                log.error("An outbox commit failed; {} readings dropped: {}", queued, e.toString());
            }
        }
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            log.debug("Outbox rollback failed: {}", e.getMessage());
        }
    }
}

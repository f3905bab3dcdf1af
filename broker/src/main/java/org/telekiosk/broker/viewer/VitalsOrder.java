package org.telekiosk.broker.viewer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Puts each kiosk's readings and waveform batches back into the kiosk's own order, its sequence numbers, before they
 * go to the doctors: the intake takes them from a shared MQTT subscription over several connections (or nodes), and
 * the MQTT broker hands a shared group's messages out without regard to their publisher, so one kiosk's seq 7 may be
 * stored and forwarded after its seq 8.
 *
 * <p>A kiosk numbers everything it sends from one sequence without holes, so a gap is known at once: a message above
 * the next expected number is <em>held</em> until the missing ones arrive, but never longer than {@code wait} (a
 * reading that never comes, e.g. refused by the intake or dropped by a full outbox, must not stop the stream), and at
 * most {@code maxHeld} per kiosk. A message below the next expected number arrives <em>late</em> (after its gap was
 * given up): a reading is still sent unless a reading of the same sensor and code taken later was sent (a tile never
 * goes back to an older value), a waveform batch only if it starts after the last batch of its sensor and signal
 * that was sent (the trace is never scrambled; a late chunk becomes a gap in the trace instead). Everything in order
 * costs no wait at all, except the first messages of a kiosk after the node started: which number comes first is not
 * known, so they wait once.
 *
 * <p><b>Kept per kiosk, and for how long.</b> A kiosk's line (its next expected number, what it holds, the newest
 * reading and last batch sent per sensor) is dropped by {@link #prune} once it holds nothing and the kiosk sent no
 * reading or batch for the given idle time, so that kiosks retired, revoked or switched off over months do not stay
 * in memory. A dropped line forgets its next expected number: the kiosk's next message waits once, as after the
 * node's start (at most {@code wait}), and a late message of before the pause is then taken as the first (it waits
 * and is sent; the viewer hub's replay still keeps the newer of two readings). Measured in docs/benchmarks.md
 * ("Vitals state per kiosk").
 *
 * <p>Thread-safe: one kiosk's messages are released under that kiosk's lock, in order, on the thread that offered
 * the message that closed the gap or, for a gap given up, on the kiosk's lane if {@link Lanes} were given (the
 * timer only hands the work there), else on the timer's thread; {@code release} must not block.
 */
public final class VitalsOrder {
    /** Runs a task once after a delay, on a thread of its own (a scheduled executor; a fake one in tests). */
    @FunctionalInterface
    public interface Timer {
        void after(Duration delay, Runnable task);
    }

    private final long waitNanos;
    private final int maxHeld;
    private final LongSupplier nanos;
    private final Timer timer;
    private final Release release;
    private final Lanes lanes;
    private volatile Waits waits = Waits.NONE;
    private final Map<KioskId, Line> lines = new ConcurrentHashMap<>();
    private final LongAdder reordered = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /**
     * Takes each message in its kiosk's order with the time it was handed in ({@link #offer(KioskMessage, long)}, on
     * the {@code nanos} clock); must not block.
     */
    @FunctionalInterface
    public interface Release {
        void accept(KioskMessage message, long handedIn);
    }

    /** Why a message waited here before it was released. */
    public enum Cause {
        /** One of its kiosk's first messages after the start or after {@code ORDER_IDLE}: the first number is not known. */
        FIRST("first"),
        /** A number before it was missing and came: the gap closed. */
        GAP_CLOSED("gap-closed"),
        /** A number before it was missing and did not come within the wait: the gap was given up. */
        GAP_GIVEN_UP("gap-given-up"),
        /** Its kiosk held more messages than it may: the gap was given up at once. */
        TOO_MANY("too-many");

        private final String code;

        Cause(String code) {
            this.code = code;
        }

        /** The label value in the broker's metrics. */
        public String code() {
            return code;
        }
    }

    /**
     * Told of every message that waited here, when it is released, on the releasing thread: why and how long
     * ({@code nanos} clock). Must not block.
     */
    @FunctionalInterface
    public interface Waits {
        Waits NONE = (cause, nanos) -> { };

        void waited(Cause cause, long nanos);
    }

    /** Runs a kiosk's task on the thread its messages are offered on, after those offered before; never blocks. */
    @FunctionalInterface
    public interface Lanes {
        void execute(KioskId kiosk, Runnable task);
    }

    /**
     * Gives up gaps on the timer's thread.
     *
     * @param wait    how long a message waits at most for the ones before it, more than 0
     * @param maxHeld how many messages of one kiosk may wait at most, at least 1
     * @param nanos   a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param release takes each message, in each kiosk's order; must not block
     */
    public VitalsOrder(Duration wait, int maxHeld, LongSupplier nanos, Timer timer, Consumer<KioskMessage> release) {
        this(wait, maxHeld, nanos, timer, (kiosk, task) -> task.run(), (message, handedIn) -> release.accept(message));
    }

    /**
     * Gives up a kiosk's gaps on {@code lanes}' thread of the kiosk, the one its messages are offered on, so that
     * every message of a kiosk is released on that one thread.
     */
    public VitalsOrder(Duration wait, int maxHeld, LongSupplier nanos, Timer timer, Lanes lanes,
            Release release) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("wait must be more than 0, was " + wait);
        }
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, was " + maxHeld);
        }
        this.waitNanos = wait.toNanos();
        this.maxHeld = maxHeld;
        this.nanos = nanos;
        this.timer = timer;
        this.release = release;
        this.lanes = lanes;
    }

    /** Takes a reading or waveform batch of a kiosk; anything else is released at once. */
    public void offer(KioskMessage message) {
        offer(message, nanos.getAsLong());
    }

    /**
     * As {@link #offer(KioskMessage)}; {@code handedIn} (on the {@code nanos} clock) goes with the message to
     * {@link Release}, so that the time from the hand-in to the release can be measured across a wait here.
     */
    public void offer(KioskMessage message, long handedIn) {
        switch (message) {
            case Measurement m -> offer(m.kiosk(), m.seq(), m, handedIn);
            case WaveformBatch w -> offer(w.kiosk(), w.seq(), w, handedIn);
            default -> release.accept(message, handedIn);
        }
    }

    /** Tells {@code observer} of every message that waits here from now on, when it is released. */
    public void observeWaits(Waits observer) {
        waits = java.util.Objects.requireNonNull(observer, "observer");
    }

    private void offer(KioskId kiosk, long seq, KioskMessage message, long handedIn) {
        while (true) {
            Line line = lines.computeIfAbsent(kiosk, k -> new Line(k, nanos.getAsLong()));
            if (line.offer(seq, message, handedIn)) {
                return;
            }
            // Pruned between the look-up and the lock: take a fresh line.
            lines.remove(kiosk, line);
        }
    }

    /**
     * Drops the line of every kiosk that holds nothing and offered nothing for at least {@code idle}; its next
     * message waits once, as after the start. Any thread; never blocks on a kiosk's messages for long (each line's
     * lock once).
     *
     * @return how many kiosks' lines were dropped
     */
    public int prune(Duration idle) {
        long now = nanos.getAsLong();
        long idleNanos = idle.toNanos();
        int dropped = 0;
        for (var e : lines.entrySet()) {
            if (e.getValue().retireIfIdle(now, idleNanos)) {
                lines.remove(e.getKey(), e.getValue());
                dropped++;
            }
        }
        return dropped;
    }

    /** Kiosks with a line now (seen and not pruned). */
    public int kioskCount() {
        return lines.size();
    }

    /** Messages that came after one with a higher number and were held until the gap closed or was given up. */
    public long reorderedCount() {
        return reordered.sum();
    }

    /** Gaps given up: numbers not seen within the wait (or before too many messages waited). */
    public long gapsGivenUpCount() {
        return gaps.sum();
    }

    /** Late messages not sent: a reading older than one sent of its sensor, a batch not after the last one sent. */
    public long lateDroppedCount() {
        return dropped.sum();
    }

    /** Messages waiting for a gap to close right now, all kiosks. */
    public int heldCount() {
        return lines.values().stream().mapToInt(Line::held).sum();
    }

    /** A message waiting: when it arrived here, when it was handed in, whether as one of its kiosk's first. */
    private record Held(KioskMessage message, long arrived, long handedIn, boolean first) {}

    /** One kiosk's order. All state under the line's own lock. */
    private final class Line {
        private final KioskId kiosk;
        /**
         * The next number expected; 0 until the first messages have waited (which of them is the kiosk's lowest is
         * not known before).
         */
        private long next;
        private final TreeMap<Long, Held> held = new TreeMap<>();
        private boolean timerArmed;
        /** The newest {@code takenAt} sent per sensor and code. */
        private final Map<String, Instant> newestReading = new HashMap<>();
        /** The start of the last batch sent per sensor and signal. */
        private final Map<String, Instant> lastBatch = new HashMap<>();
        /** When the kiosk last offered a message here ({@code nanos}). */
        private long lastOffer;
        /** Pruned: takes nothing more (an offer that raced the pruning goes to a fresh line). */
        private boolean retired;

        Line(KioskId kiosk, long created) {
            this.kiosk = kiosk;
            this.lastOffer = created;
        }

        synchronized int held() {
            return held.size();
        }

        synchronized boolean retireIfIdle(long now, long idleNanos) {
            if (held.isEmpty() && !timerArmed && now - lastOffer >= idleNanos) {
                retired = true;
            }
            return retired;
        }

        /** @return false if this line was pruned and took nothing */
        synchronized boolean offer(long seq, KioskMessage message, long handedIn) {
            if (retired) {
                return false;
            }
            lastOffer = nanos.getAsLong();
            if (next != 0 && seq < next) {
                late(message, handedIn);
            } else if (seq == next) {
                send(message, handedIn);
                next = seq + 1;
                drain();
            } else {
                held.putIfAbsent(seq, new Held(message, lastOffer, handedIn, next == 0));
                if (held.size() > maxHeld) {
                    giveUpThrough(held.lastKey(), Cause.TOO_MANY);
                } else if (!timerArmed) {
                    arm(waitNanos);
                }
            }
            return true;
        }

        private void arm(long delayNanos) {
            timerArmed = true;
            timer.after(Duration.ofNanos(Math.max(0, delayNanos)), () -> lanes.execute(kiosk, this::expire));
        }

        /** Gives up the gaps before every message that has waited long enough, then re-arms for the rest. */
        private synchronized void expire() {
            timerArmed = false;
            long now = nanos.getAsLong();
            long through = 0;
            for (var e : held.entrySet()) {
                if (now - e.getValue().arrived() >= waitNanos) {
                    through = e.getKey();
                }
            }
            if (through > 0) {
                giveUpThrough(through, Cause.GAP_GIVEN_UP);
            }
            if (!held.isEmpty() && !timerArmed) {
                long oldest = held.values().stream().mapToLong(Held::arrived).min().orElseThrow();
                arm(oldest + waitNanos - now);
            }
        }

        /**
         * Sends every held message up to {@code seq} in order, skipping the numbers missing between them; {@code
         * cause} is why the ones after a skipped number waited.
         */
        private void giveUpThrough(long seq, Cause cause) {
            while (!held.isEmpty() && held.firstKey() <= seq) {
                var first = held.pollFirstEntry();
                if (next != 0 && first.getKey() > next) {
                    gaps.increment();
                }
                release(first.getValue(), cause);
                next = first.getKey() + 1;
            }
            drain();
        }

        /** Sends the held messages that follow on without a gap. */
        private void drain() {
            while (!held.isEmpty() && held.firstKey() == next) {
                release(held.pollFirstEntry().getValue(), Cause.GAP_CLOSED);
                next++;
            }
        }

        /** Sends a message that waited, and tells why and how long (one of the kiosk's first: always FIRST). */
        private void release(Held h, Cause cause) {
            reordered.increment();
            waits.waited(h.first() ? Cause.FIRST : cause, nanos.getAsLong() - h.arrived());
            send(h.message(), h.handedIn());
        }

        /** A message whose number was passed: sent only if it does not take a tile or a trace back in time. */
        private void late(KioskMessage message, long handedIn) {
            boolean older = switch (message) {
                case Measurement m -> {
                    Instant newest = newestReading.get(m.sensor().value() + "|" + m.loinc().value());
                    yield newest != null && m.takenAt().isBefore(newest);
                }
                case WaveformBatch w -> {
                    Instant last = lastBatch.get(w.sensor().value() + "|" + w.signal().name());
                    yield last != null && !w.start().isAfter(last);
                }
                default -> false;
            };
            if (older) {
                dropped.increment();
            } else {
                send(message, handedIn);
            }
        }

        private void send(KioskMessage message, long handedIn) {
            switch (message) {
                case Measurement m -> newestReading.merge(m.sensor().value() + "|" + m.loinc().value(), m.takenAt(),
                        (a, b) -> b.isAfter(a) ? b : a);
                case WaveformBatch w -> lastBatch.merge(w.sensor().value() + "|" + w.signal().name(), w.start(),
                        (a, b) -> b.isAfter(a) ? b : a);
                default -> { }
            }
            release.accept(message, handedIn);
        }
    }
}

package org.telekiosk.broker.viewer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.consultation.CallWatcher;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * The authenticated vitals viewers and what each is sent, routed by session: a kiosk's readings,
 * waveforms and status go only to the viewers of the consultations whose call that kiosk is in now, as kept by a
 * {@link CallIndex} that follows admissions and departures ({@link CallWatcher}) instead of asking the database per
 * reading. Readings are encoded once, and only if a viewer is sent them, into a frame all their viewers share
 * ({@link ViewerFrame}); a viewer that cannot keep up misses them (counted) instead of holding memory for everyone.
 * Thread-safe; {@link #publish} and {@link #command} never block: they hand the message to its kiosk's lane of the
 * {@link FanOut}, where the ordering, encoding and routing run, off the caller's thread (the store's writer).
 *
 * <p>A viewer that joins, or whose consultation admits a kiosk patient, gets the latest reading of each of that
 * kiosk's sensors at once, but only readings taken at or after that patient's admission: the next patient's doctor
 * never sees the previous patient's values.
 *
 * <p><b>Kept per kiosk, and for how long.</b> What the replays need is kept per kiosk: its latest status and its
 * latest reading per sensor and LOINC code ({@link LatestValues}). {@link #prune} forgets them once the kiosk is
 * revoked or has sent nothing for longer than a replay can use (the node passes {@code consultation.access-window}: no
 * call lasts longer, so no admission can be older than the silence), and drops the {@link VitalsOrder} lines idle for
 * {@link #ORDER_IDLE}. A kiosk heard again starts afresh. Measured in docs/benchmarks.md ("Vitals state per kiosk").
 */
public final class ViewerHub implements CallWatcher {
    /** The version of the vitals protocol, sent in {@link ViewerEvent.Welcome}. */
    public static final int PROTOCOL_VERSION = ViewerRequest.PROTOCOL_VERSION;

    private final ViewerFrame.Encoder frames;
    private final FanOut fanOut;
    private final CallIndex index = new CallIndex();
    /**
     * Per viewer, when the newest reading it was sent of each kiosk's (sensor, LOINC code) was taken: a reading is
     * sent to a viewer only if it is newer, so that a viewer never gets one twice when the replay of a join races the
     * live reading (the reading remembered for the replay and routed to the viewer just registered), or when a node
     * forwards its own copy and another node relays one (docs/scale-out.md, phase 5).
     */
    private final Map<ViewerSession, Map<String, Shown>> shown = new ConcurrentHashMap<>();

    /** The newest reading a viewer was sent of one kiosk's (sensor, LOINC code). */
    private record Shown(Instant takenAt, long seq) {
        boolean olderThan(Instant otherTakenAt, long otherSeq) {
            return otherTakenAt.isAfter(takenAt) || (otherTakenAt.equals(takenAt) && otherSeq > seq);
        }
    }

    /** Per kiosk, the latest reading of each (sensor, LOINC code) and its status: for replays. */
    private final LatestValues latest = new LatestValues();
    private final java.util.function.LongSupplier nanos;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final VitalsOrder order;

    /**
     * How long a kiosk's reading or waveform batch waits at most for the ones the kiosk numbered before it
     * ({@link VitalsOrder}): well inside the vitals page's 600 ms drawing delay, so that a batch that waited is still
     * drawn in time, and far above the few milliseconds by which two intake connections overtake each other when the
     * node is not overloaded.
     */
    public static final Duration ORDER_WAIT = Duration.ofMillis(300);
    /** How many of one kiosk's messages may wait for a gap at most (a minute of ECG and pleth batches and readings). */
    public static final int ORDER_MAX_HELD = 256;
    /**
     * After how long without a reading or batch a kiosk's order is forgotten ({@link #prune}): its next message then
     * waits once, {@link #ORDER_WAIT} at most, as after the start. Long enough that a kiosk in use never pays it.
     */
    public static final Duration ORDER_IDLE = Duration.ofMinutes(10);

    /**
     * A hub that forwards each message as it comes, in the order it is given, on the caller's thread, as text (one
     * ordered intake, tests).
     */
    public ViewerHub(WireCodec json) {
        this.frames = ViewerFrame.text(json);
        this.fanOut = FanOut.inPlace();
        this.order = null;
        this.nanos = System::nanoTime;
    }

    /**
     * A hub that puts each kiosk's readings and waveform batches into the kiosk's order before forwarding them
     * ({@link VitalsOrder}, waiting at most {@link #ORDER_WAIT}).
     *
     * @param timer runs the given-up gaps' releases; its thread must not block
     */
    public ViewerHub(WireCodec json, java.util.function.LongSupplier nanos, VitalsOrder.Timer timer) {
        this(ViewerFrame.text(json), FanOut.inPlace(), nanos, timer);
    }

    /**
     * The node's hub: ordered as above, its work on {@code fanOut}'s lanes, its frames made by {@code frames} (the
     * transport's shared buffers).
     */
    public ViewerHub(ViewerFrame.Encoder frames, FanOut fanOut, java.util.function.LongSupplier nanos,
            VitalsOrder.Timer timer) {
        this.frames = frames;
        this.fanOut = fanOut;
        this.order = new VitalsOrder(ORDER_WAIT, ORDER_MAX_HELD, nanos, timer, this::forward);
        this.nanos = nanos;
    }

    /**
     * Adds an authorised viewer, greets it, and sends it the latest readings of the kiosks it sees. {@code openCalls}
     * reads the principal's calls from the store of record (blocking; this runs off the event loop); it is read again
     * if an admission or departure happens meanwhile, so that a stale read never brings back a patient who left.
     */
    public void join(ViewerSession session, ViewerPrincipal principal,
            Function<ViewerPrincipal, List<CallPeriod>> openCalls) {
        for (int attempt = 0; ; attempt++) {
            long readAt = index.generation();
            List<CallPeriod> open = openCalls.apply(principal);
            if (index.seed(open, readAt) || attempt >= 10) {
                break;
            }
        }
        ViewerFrame welcome = frames.encode(new ViewerEvent.Welcome(PROTOCOL_VERSION, "telekiosk-broker"));
        try {
            session.send(welcome);
        } finally {
            welcome.release();
        }
        for (CallPeriod call : index.join(session, principal)) {
            replay(session, call);
        }
    }

    public void leave(ViewerSession session) {
        index.leave(session);
        shown.remove(session);
    }

    @Override
    public void admitted(CallPeriod call) {
        for (ViewerSession viewer : index.admitted(call)) {
            replay(viewer, call);
        }
    }

    @Override
    public void left(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        index.left(consultation, participant);
    }

    /** The latest status of the call's kiosk and its latest readings taken since the admission, oldest first. */
    private void replay(ViewerSession viewer, CallPeriod call) {
        KioskId kiosk = call.kiosk().orElseThrow();
        for (LatestValues.Latest kept : latest.since(kiosk, call.admittedAt())) {
            Outgoing out = new Outgoing(kept.message() instanceof KioskStatus s ? new ViewerEvent.Status(s)
                    : new ViewerEvent.Reading((Measurement) kept.message()));
            try {
                if (kept.status()) {
                    deliver(viewer, out);
                } else {
                    deliverReading(viewer, kiosk.value() + "|" + kept.key(), kept.takenAt(), kept.seq(), out);
                }
            } finally {
                out.release();
            }
        }
    }

    /**
     * Sends a kiosk's message to the viewers that see the kiosk now, readings and waveform batches in the kiosk's
     * order if this hub orders them. The latest reading of each sensor and the latest status of each kiosk are kept
     * for replays; waveforms are only streamed. Only queues the message on its kiosk's lane.
     */
    public void publish(KioskMessage message) {
        fanOut.execute(message.kiosk(), () -> {
            if (order != null) {
                order.offer(message);
            } else {
                forward(message);
            }
        });
    }

    private void forward(KioskMessage message) {
        switch (message) {
            case Measurement m -> {
                String key = m.sensor().value() + "|" + m.loinc().value();
                remember(m.kiosk(), key, m.takenAt(), m.seq(), m);
                Outgoing out = new Outgoing(new ViewerEvent.Reading(m));
                try {
                    for (CallIndex.Route route : index.routes().getOrDefault(m.kiosk(), List.of())) {
                        if (!m.takenAt().isBefore(route.since())) {
                            deliverReading(route.viewer(), m.kiosk().value() + "|" + key, m.takenAt(), m.seq(), out);
                        }
                    }
                } finally {
                    out.release();
                }
            }
            case KioskStatus s -> {
                // A status is the kiosk's, not the patient's: every viewer of the kiosk gets it.
                remember(s.kiosk(), "status", s.sentAt(), 0, s);
                route(s.kiosk(), Instant.MAX, new ViewerEvent.Status(s));
            }
            case WaveformBatch w -> route(w.kiosk(), w.start(), new ViewerEvent.Waveform(w));
            // The kiosk's report changes the command's state in the CommandService, which then calls #command.
            case CommandUpdate u -> { }
            // Whether the kiosk is connected is the fleet view's (KioskPresence), not the vitals'.
            case Presence p -> { }
        }
    }

    /**
     * Sends a command's new state to every viewer that sees its kiosk now (the doctor in the call, the kiosk's own
     * page): commands are issued during a call, so no admission time applies. Never blocks: queued on the kiosk's
     * lane, after the kiosk's messages published before.
     */
    public void command(ViewerEvent.CommandChanged changed) {
        fanOut.execute(changed.kiosk(), () -> route(changed.kiosk(), Instant.MAX, changed));
    }

    private void remember(KioskId kiosk, String key, Instant at, long seq, KioskMessage message) {
        latest.remember(kiosk, key, at, seq, message, nanos.getAsLong());
    }

    /**
     * Forgets the latest readings and status of each kiosk that {@code revoked} names or that sent no reading or
     * status for {@code keepLatest} (a replay could not use them: no call is open that long), and drops the order of
     * each kiosk idle for {@link #ORDER_IDLE}. Run now and then (the node: every minute) off the event loop;
     * {@code revoked} must not block. Returns how many kiosks' latest readings were forgotten.
     */
    public int prune(Duration keepLatest, java.util.function.Predicate<KioskId> revoked) {
        if (order != null) {
            order.prune(ORDER_IDLE);
        }
        return latest.prune(nanos.getAsLong(), keepLatest.toNanos(), revoked);
    }

    /** Forgets the latest readings and status of {@code kiosk} (revoked); its order goes when idle. */
    public void forget(KioskId kiosk) {
        latest.forget(kiosk);
    }

    /** Kiosks whose latest readings or status are kept for replays. */
    public int keptKioskCount() {
        return latest.kioskCount();
    }

    /** Sends to each viewer of {@code kiosk} whose patient was admitted at or before {@code takenAt}. */
    private void route(KioskId kiosk, Instant takenAt, ViewerEvent event) {
        Outgoing out = new Outgoing(event);
        try {
            for (CallIndex.Route route : index.routes().getOrDefault(kiosk, List.of())) {
                if (!takenAt.isBefore(route.since())) {
                    deliver(route.viewer(), out);
                }
            }
        } finally {
            out.release();
        }
    }

    /** Sends a reading of {@code key} (kiosk, sensor, LOINC code) if the viewer has none as new (taken later, or at the same instant with a higher number). */
    private void deliverReading(ViewerSession viewer, String key, Instant takenAt, long seq, Outgoing out) {
        boolean[] newer = {false};
        shown.computeIfAbsent(viewer, v -> new ConcurrentHashMap<>(8)).compute(key, (k, last) -> {
            if (last == null || last.olderThan(takenAt, seq)) {
                newer[0] = true;
                return new Shown(takenAt, seq);
            }
            return last;
        });
        if (newer[0]) {
            deliver(viewer, out);
        }
    }

    private void deliver(ViewerSession viewer, Outgoing out) {
        if (viewer.send(out.frame())) {
            delivered.increment();
        } else {
            skipped.increment();
        }
    }

    /** Answers one request of an accepted viewer. {@code hello} is the socket's business, not the hub's. */
    public Optional<ViewerEvent> handle(ViewerRequest request) {
        return switch (request) {
            case ViewerRequest.Ping ping -> Optional.of(new ViewerEvent.Pong(ping.nonce()));
            case ViewerRequest.Hello hello -> Optional.empty();
        };
    }

    /** One event's frame, encoded at the first viewer it is sent to (never if none), released once by its maker. */
    private final class Outgoing {
        private final ViewerEvent event;
        private ViewerFrame frame;

        Outgoing(ViewerEvent event) {
            this.event = event;
        }

        ViewerFrame frame() {
            if (frame == null) {
                frame = frames.encode(event);
            }
            return frame;
        }

        void release() {
            if (frame != null) {
                frame.release();
            }
        }
    }

    public int viewerCount() {
        return index.viewerCount();
    }

    public long deliveredCount() {
        return delivered.sum();
    }

    /** The kiosks' order of readings and batches, or empty if this hub forwards as it is given. */
    public Optional<VitalsOrder> order() {
        return Optional.ofNullable(order);
    }

    /** Readings not sent to a viewer because it was too far behind. */
    public long skippedCount() {
        return skipped.sum();
    }

    /** Messages not handed to the viewers because the fan-out's queue for their kiosk was full ({@link FanOut}). */
    public long fanOutDroppedCount() {
        return fanOut.droppedCount();
    }
}

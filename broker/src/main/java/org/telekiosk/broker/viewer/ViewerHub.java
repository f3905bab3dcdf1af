package org.telekiosk.broker.viewer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * kiosk's sensors and its latest status at once (a <em>replay</em>), but only readings taken at or after that
 * patient's admission: the next patient's doctor never sees the previous patient's values. Then it gets the kiosk's
 * live messages. Both run on the kiosk's lane, the replay in the lane's order: each viewer gets each reading at most
 * once and a kiosk's messages in the kiosk's order, replay first, with nothing lost between (a reading handed in
 * before the replay is in the latest values it reads, one handed in after it is sent live). Also at most once when
 * a node forwards its own copy of a reading and another node relays one (docs/scale-out.md, phase 5).
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
    /** Who sees which kiosk, and what each was sent of it ({@link KioskView}). */
    private final CallIndex index = new CallIndex();

    /** Per kiosk, the latest reading of each (sensor, LOINC code) and its status: for replays. */
    private final LatestValues latest = new LatestValues();
    private final java.util.function.LongSupplier nanos;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final VitalsOrder order;
    /** Told how long each reading or batch took from {@link #publish} to its viewers' sockets' queues. */
    private volatile java.util.function.LongConsumer delays = nanos -> { };

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
        this.order = new VitalsOrder(ORDER_WAIT, ORDER_MAX_HELD, nanos, timer, fanOut::executeAlways, this::forward);
        this.nanos = nanos;
    }

    /**
     * Adds an authorised viewer, greets it, and queues the replay of the latest readings of each kiosk it sees on that
     * kiosk's lane (in place, at once, with {@link FanOut#inPlace}). {@code openCalls}
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
        index.join(session, principal);
        replayOpened();
    }

    public void leave(ViewerSession session) {
        index.leave(session);
    }

    @Override
    public void admitted(CallPeriod call) {
        index.admitted(call);
        replayOpened();
    }

    @Override
    public void left(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        index.left(consultation, participant);
    }

    /**
     * Queues the replay of each viewer that began to see a kiosk on that kiosk's lane, behind whatever of the kiosk
     * was handed in before: the kiosk's live messages reach such a viewer only after its replay, so that nothing of a
     * kiosk is sent to it twice or out of the kiosk's order, and nothing between the replay and the live messages is
     * lost (it is either in the latest values the replay reads or a message the lane takes after it).
     */
    private void replayOpened() {
        for (CallIndex.Opened opened : index.takeOpened()) {
            fanOut.executeAlways(opened.kiosk(), () -> replay(opened.kiosk(), opened.viewer()));
        }
    }

    /**
     * On the kiosk's lane: the kiosk's latest status and its latest readings taken since the viewer's admission
     * time, oldest first; from then on the viewer is sent the kiosk's live messages. Nothing if the viewer no longer
     * sees the kiosk, or was replayed to already.
     */
    private void replay(KioskId kiosk, ViewerSession viewer) {
        CallIndex.Route route = null;
        for (CallIndex.Route r : index.routes().getOrDefault(kiosk, List.of())) {
            if (r.viewer().equals(viewer)) {
                route = r;
            }
        }
        if (route == null || route.view().live()) {
            return;
        }
        for (LatestValues.Latest kept : latest.since(kiosk, route.since())) {
            Outgoing out = new Outgoing(kept.message() instanceof KioskStatus s ? new ViewerEvent.Status(s)
                    : new ViewerEvent.Reading((Measurement) kept.message()));
            try {
                if (kept.status() || route.view().takeReading(kept.key(), kept.takenAt(), kept.seq())) {
                    deliver(viewer, out);
                }
            } finally {
                out.release();
            }
        }
        route.view().replayed();
    }

    /**
     * Sends a kiosk's message to the viewers that see the kiosk now, readings and waveform batches in the kiosk's
     * order if this hub orders them. The latest reading of each sensor and the latest status of each kiosk are kept
     * for replays; waveforms are only streamed. Only queues the message on its kiosk's lane.
     */
    public void publish(KioskMessage message) {
        long handedIn = nanos.getAsLong();
        fanOut.execute(message.kiosk(), () -> {
            if (order != null) {
                order.offer(message, handedIn);
            } else {
                forward(message, handedIn);
            }
        });
    }

    /**
     * Tells {@code observer}, on the kiosk's lane, how long each reading and waveform batch sent to at least one viewer
     * took from {@link #publish} (right after its commit) until its frame was queued to the viewers' sockets (nanoseconds):
     * the wait on the lane, in the kiosk's order ({@link VitalsOrder}) and the encoding and routing. Must not block.
     */
    public void observeDelays(java.util.function.LongConsumer observer) {
        delays = java.util.Objects.requireNonNull(observer, "observer");
    }

    private void forward(KioskMessage message, long handedIn) {
        boolean sent = switch (message) {
            case Measurement m -> {
                String key = m.sensor().value() + "|" + m.loinc().value();
                remember(m.kiosk(), key, m.takenAt(), m.seq(), m);
                Outgoing out = new Outgoing(new ViewerEvent.Reading(m));
                try {
                    for (CallIndex.Route route : index.routes().getOrDefault(m.kiosk(), List.of())) {
                        if (route.view().live() && !m.takenAt().isBefore(route.since())
                                && route.view().takeReading(key, m.takenAt(), m.seq())) {
                            deliver(route.viewer(), out);
                        }
                    }
                } finally {
                    out.release();
                }
                yield out.encoded();
            }
            case KioskStatus s -> {
                // A status is the kiosk's, not the patient's: every viewer of the kiosk gets it.
                remember(s.kiosk(), "status", s.sentAt(), 0, s);
                route(s.kiosk(), Instant.MAX, new ViewerEvent.Status(s), true);
                yield false;
            }
            case WaveformBatch w -> route(w.kiosk(), w.start(), new ViewerEvent.Waveform(w), true);
            // The kiosk's report changes the command's state in the CommandService, which then calls #command.
            case CommandUpdate u -> false;
            // Whether the kiosk is connected is the fleet view's (KioskPresence), not the vitals'.
            case Presence p -> false;
        };
        if (sent) {
            delays.accept(nanos.getAsLong() - handedIn);
        }
    }

    /**
     * Sends a command's new state to every viewer that sees its kiosk now (the doctor in the call, the kiosk's own
     * page): commands are issued during a call, so no admission time applies, and none is replayed, so a viewer's
     * replay need not come first. Never blocks: queued on the kiosk's lane, after the kiosk's messages published
     * before.
     */
    public void command(ViewerEvent.CommandChanged changed) {
        fanOut.execute(changed.kiosk(), () -> route(changed.kiosk(), Instant.MAX, changed, false));
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

    /**
     * Sends to each viewer of {@code kiosk} whose patient was admitted at or before {@code takenAt}; if {@code afterReplay},
     * only to those whose replay of the kiosk was made. Whether it was sent to any.
     */
    private boolean route(KioskId kiosk, Instant takenAt, ViewerEvent event, boolean afterReplay) {
        Outgoing out = new Outgoing(event);
        try {
            for (CallIndex.Route route : index.routes().getOrDefault(kiosk, List.of())) {
                if ((!afterReplay || route.view().live()) && !takenAt.isBefore(route.since())) {
                    deliver(route.viewer(), out);
                }
            }
        } finally {
            out.release();
        }
        return out.encoded();
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

        /** Whether it was handed to some viewer (its frame made). */
        boolean encoded() {
            return frame != null;
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

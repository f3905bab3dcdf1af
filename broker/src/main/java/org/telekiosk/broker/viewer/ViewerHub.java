package org.telekiosk.broker.viewer;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
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
 * reading. Readings are encoded once; a viewer that cannot keep up misses them (counted) instead of holding memory
 * for everyone. Thread-safe; {@link #publish} never blocks.
 *
 * <p>A viewer that joins, or whose consultation admits a kiosk patient, gets the latest reading of each of that
 * kiosk's sensors at once, but only readings taken at or after that patient's admission: the next patient's doctor
 * never sees the previous patient's values.
 *
 * <p><b>Kept per kiosk, and for how long.</b> What the replays need is kept per kiosk: its latest status and its
 * latest reading per sensor and LOINC code, encoded. {@link #prune} forgets them once the kiosk is revoked or has
 * sent nothing for longer than a replay can use (the node passes {@code consultation.access-window}: no call lasts
 * longer, so no admission can be older than the silence), and drops the {@link VitalsOrder} lines idle for
 * {@link #ORDER_IDLE}. A kiosk heard again starts afresh. Measured in docs/benchmarks.md ("Vitals state per kiosk").
 */
public final class ViewerHub implements CallWatcher {
    /** The version of the vitals protocol, sent in {@link ViewerEvent.Welcome}. */
    public static final int PROTOCOL_VERSION = ViewerRequest.PROTOCOL_VERSION;

    private final WireCodec json;
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

    /** Per kiosk, the latest reading of each (sensor, LOINC code) and its status, encoded: for replays. */
    private final Map<KioskId, KioskLatest> latest = new ConcurrentHashMap<>();
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

    /** A hub that forwards each message as it comes, in the order it is given (one ordered intake, tests). */
    public ViewerHub(WireCodec json) {
        this.json = json;
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
        this.json = json;
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
        session.sendText(json.encodeToString(new ViewerEvent.Welcome(PROTOCOL_VERSION, "telekiosk-broker")));
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
        KioskLatest kept = latest.get(call.kiosk().orElseThrow());
        if (kept == null) {
            return;
        }
        KioskId kiosk = call.kiosk().orElseThrow();
        kept.byKey.entrySet().stream()
                .filter(e -> e.getValue().status() || !e.getValue().takenAt().isBefore(call.admittedAt()))
                .sorted(Comparator.comparing(e -> e.getValue().takenAt()))
                .forEach(e -> {
                    if (e.getValue().status()) {
                        deliver(viewer, e.getValue().json());
                    } else {
                        deliverReading(viewer, kiosk.value() + "|" + e.getKey(), e.getValue().takenAt(),
                                e.getValue().seq(), e.getValue().json());
                    }
                });
    }

    /**
     * Sends a kiosk's message to the viewers that see the kiosk now, readings and waveform batches in the kiosk's
     * order if this hub orders them. The latest reading of each sensor and the latest status of each kiosk are kept
     * for replays; waveforms are only streamed.
     */
    public void publish(KioskMessage message) {
        if (order != null) {
            order.offer(message);
        } else {
            forward(message);
        }
    }

    private void forward(KioskMessage message) {
        switch (message) {
            case Measurement m -> {
                String key = m.sensor().value() + "|" + m.loinc().value();
                String text = remember(m.kiosk(), key, m.takenAt(), m.seq(), false,
                        json.encodeToString(new ViewerEvent.Reading(m)));
                for (CallIndex.Route route : index.routes().getOrDefault(m.kiosk(), List.of())) {
                    if (!m.takenAt().isBefore(route.since())) {
                        deliverReading(route.viewer(), m.kiosk().value() + "|" + key, m.takenAt(), m.seq(), text);
                    }
                }
            }
            case KioskStatus s -> {
                // A status is the kiosk's, not the patient's: every viewer of the kiosk gets it.
                String text = remember(s.kiosk(), "status", s.sentAt(), 0, true,
                        json.encodeToString(new ViewerEvent.Status(s)));
                route(s.kiosk(), Instant.MAX, text);
            }
            case WaveformBatch w -> route(w.kiosk(), w.start(), json.encodeToString(new ViewerEvent.Waveform(w)));
            // The kiosk's report changes the command's state in the CommandService, which then calls #command.
            case CommandUpdate u -> { }
            // Whether the kiosk is connected is the fleet view's (KioskPresence), not the vitals'.
            case Presence p -> { }
        }
    }

    /**
     * Sends a command's new state to every viewer that sees its kiosk now (the doctor in the call, the kiosk's own
     * page): commands are issued during a call, so no admission time applies. Never blocks.
     */
    public void command(ViewerEvent.CommandChanged changed) {
        route(changed.kiosk(), Instant.MAX, json.encodeToString(changed));
    }

    private String remember(KioskId kiosk, String key, Instant at, long seq, boolean status, String text) {
        long now = nanos.getAsLong();
        // Under the map's lock for this kiosk, so that a prune never drops a kiosk while its reading goes in.
        latest.compute(kiosk, (k, kept) -> {
            KioskLatest into = kept == null ? new KioskLatest() : kept;
            into.heard = now;
            into.byKey.merge(key, new Latest(at, seq, status, text),
                    (old, fresh) -> fresh.takenAt().isBefore(old.takenAt()) ? old : fresh);
            return into;
        });
        return text;
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
        long now = nanos.getAsLong();
        long keep = keepLatest.toNanos();
        int forgotten = 0;
        for (KioskId kiosk : latest.keySet()) {
            boolean[] gone = {false};
            latest.computeIfPresent(kiosk, (k, kept) -> {
                gone[0] = now - kept.heard >= keep || revoked.test(k);
                return gone[0] ? null : kept;
            });
            if (gone[0]) {
                forgotten++;
            }
        }
        return forgotten;
    }

    /** Forgets the latest readings and status of {@code kiosk} (revoked); its order goes when idle. */
    public void forget(KioskId kiosk) {
        latest.remove(kiosk);
    }

    /** Kiosks whose latest readings or status are kept for replays. */
    public int keptKioskCount() {
        return latest.size();
    }

    /** Sends to each viewer of {@code kiosk} whose patient was admitted at or before {@code takenAt}. */
    private void route(KioskId kiosk, Instant takenAt, String text) {
        for (CallIndex.Route route : index.routes().getOrDefault(kiosk, List.of())) {
            if (!takenAt.isBefore(route.since())) {
                deliver(route.viewer(), text);
            }
        }
    }

    /** Sends a reading of {@code key} (kiosk, sensor, LOINC code) if the viewer has none as new (taken later, or at the same instant with a higher number). */
    private void deliverReading(ViewerSession viewer, String key, Instant takenAt, long seq, String text) {
        boolean[] newer = {false};
        shown.computeIfAbsent(viewer, v -> new ConcurrentHashMap<>(8)).compute(key, (k, last) -> {
            if (last == null || last.olderThan(takenAt, seq)) {
                newer[0] = true;
                return new Shown(takenAt, seq);
            }
            return last;
        });
        if (newer[0]) {
            deliver(viewer, text);
        }
    }

    private void deliver(ViewerSession viewer, String text) {
        if (viewer.sendText(text)) {
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

    /** One encoded reading or status of a kiosk and when it was taken; an older one never replaces a newer one. */
    private record Latest(Instant takenAt, long seq, boolean status, String json) {}

    /** A kiosk's latest readings and status by key; {@code heard} written under the outer map's lock. */
    private static final class KioskLatest {
        final Map<String, Latest> byKey = new ConcurrentHashMap<>(8);
        volatile long heard;
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
}

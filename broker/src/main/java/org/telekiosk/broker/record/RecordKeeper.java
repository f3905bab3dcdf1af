package org.telekiosk.broker.record;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.consultation.CallWatcher;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.EndReason;
import org.telekiosk.broker.consultation.EndWatcher;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.consultation.SeatWatcher;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * Keeps every consultation's record (KBV Anlage 31b): told by the consultation services (seats, admissions, the end)
 * and by signaling (the doctor's connection, SDP fingerprints, media reports, rungs), it appends to
 * {@link SqlRecordStore} on one {@code record-writer} thread, in the order it was told, so that callers under a
 * consultation's lock or a room's monitor never wait for the database. {@link #read} waits for what is queued first.
 * The fingerprints of the SDPs it was told of stay in memory only, until the consultation ends.
 */
public final class RecordKeeper implements ConsultationRecords, CallWatcher, SeatWatcher, EndWatcher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordKeeper.class);
    /** A rung's name: what the ladder sends, lower case with dashes. */
    private static final Pattern RUNG = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** At most this many distinct fingerprints are kept per party and consultation (new peer connections). */
    private static final int MAX_FINGERPRINTS = 16;

    private final SqlRecordStore store;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("record-writer").daemon(true).factory());
    private final Map<ConsultationId, Map<Party, Set<String>>> signaled = new ConcurrentHashMap<>();
    private final Map<ConsultationId, Map<Party, SignalRequest.MediaReport>> lastReports = new ConcurrentHashMap<>();
    private final Map<ConsultationId, String> rungs = new ConcurrentHashMap<>();

    public RecordKeeper(SqlRecordStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The consultation's record as stored, after everything told so far is written. Blocking. */
    public RecordContent read(ConsultationId consultation) {
        try {
            return writer.submit(() -> store.read(consultation)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a consultation record", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("reading a consultation record failed", e.getCause());
        }
    }

    // --- signaling ---

    @Override
    public void doctorJoined(ConsultationId consultation, Instant at) {
        append(consultation, new RecordEvent(at, RecordEvent.Kind.DOCTOR_JOINED, Party.DOCTOR, "", ""));
    }

    @Override
    public void doctorLeft(ConsultationId consultation, Instant at) {
        append(consultation, new RecordEvent(at, RecordEvent.Kind.DOCTOR_LEFT, Party.DOCTOR, "", ""));
    }

    @Override
    public void signaled(ConsultationId consultation, Party by, String sdp) {
        Set<String> fingerprints = SdpFingerprints.of(sdp);
        if (fingerprints.isEmpty()) {
            return;
        }
        Map<Party, Set<String>> parties = signaled.computeIfAbsent(consultation, c -> new ConcurrentHashMap<>());
        parties.compute(by, (party, known) -> {
            Set<String> next = new LinkedHashSet<>(known == null ? Set.of() : known);
            next.addAll(fingerprints);
            return next.size() > MAX_FINGERPRINTS ? known : Set.copyOf(next);
        });
    }

    @Override
    public void mediaReported(ConsultationId consultation, Party by, SignalRequest.MediaReport report, Instant at) {
        Map<Party, SignalRequest.MediaReport> last = lastReports.computeIfAbsent(consultation,
                c -> new ConcurrentHashMap<>());
        if (report.equals(last.put(by, report))) {
            return;
        }
        append(consultation, new MediaEntry(at, by, report, check(consultation, by, report)));
    }

    @Override
    public void rungChanged(ConsultationId consultation, Party by, String rung, Instant at) {
        if (!RUNG.matcher(rung).matches()) {
            throw new IllegalArgumentException("a rung is 1-32 of a-z, 0-9 and '-', starting with a letter or digit");
        }
        if (rung.equals(rungs.put(consultation, rung))) {
            return;
        }
        append(consultation, new RecordEvent(at, RecordEvent.Kind.RUNG, by, "", rung));
    }

    @Override
    public void patientChecked(ConsultationId consultation, ParticipantId participant, PreCallCheck check,
            Instant at) {
        append(consultation, new RecordEvent(at, RecordEvent.Kind.PATIENT_CHECKED, Party.PATIENT,
                participant.toString(), detail(check)));
    }

    /** A pre-call check as the record's detail: {@code camera=… microphone=… speaker=… rtt-ms=… down-kbps=…}. */
    static String detail(PreCallCheck check) {
        return "camera=" + check.camera() + " microphone=" + check.microphone() + " speaker=" + check.speaker()
                + " rtt-ms=" + check.roundTripMillis() + " down-kbps=" + check.downKbps();
    }

    /** Whether {@code report}'s fingerprints are those {@code by} and its peer signaled in this consultation. */
    MediaEntry.Fingerprints check(ConsultationId consultation, Party by, SignalRequest.MediaReport report) {
        Map<Party, Set<String>> parties = signaled.getOrDefault(consultation, Map.of());
        Party peer = by == Party.DOCTOR ? Party.PATIENT : Party.DOCTOR;
        Set<String> own = parties.getOrDefault(by, Set.of());
        Set<String> theirs = parties.getOrDefault(peer, Set.of());
        if (own.isEmpty() || theirs.isEmpty()) {
            return MediaEntry.Fingerprints.UNKNOWN;
        }
        return own.contains(SdpFingerprints.normalise(report.localFingerprint()))
                && theirs.contains(SdpFingerprints.normalise(report.remoteFingerprint()))
                ? MediaEntry.Fingerprints.MATCH : MediaEntry.Fingerprints.MISMATCH;
    }

    // --- the consultation services ---

    @Override
    public void seatChanged(ConsultationId consultation, ParticipantId participant, Change change, Instant at) {
        RecordEvent.Kind kind = switch (change) {
            case JOINED -> RecordEvent.Kind.PATIENT_JOINED;
            case DROPPED -> RecordEvent.Kind.PATIENT_DROPPED;
            case RESUMED -> RecordEvent.Kind.PATIENT_RESUMED;
            case LEFT -> RecordEvent.Kind.PATIENT_LEFT;
            case RELEASED -> RecordEvent.Kind.PATIENT_RELEASED;
        };
        append(consultation, new RecordEvent(at, kind, Party.PATIENT, participant.toString(), ""));
    }

    @Override
    public void admitted(CallPeriod period) {
        append(period.consultation(), new RecordEvent(period.admittedAt(), RecordEvent.Kind.PATIENT_ADMITTED,
                Party.PATIENT, period.participant().toString(), ""));
    }

    @Override
    public void left(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        // The seat's own change (left, released) or the end says why; a call period's end adds nothing.
    }

    @Override
    public void ended(ConsultationId consultation, EndReason reason) {
        Party by = reason == EndReason.ENDED_BY_DOCTOR ? Party.DOCTOR : Party.BROKER;
        append(consultation, new RecordEvent(clock.instant(), RecordEvent.Kind.ENDED, by, "", reason.wire()));
        signaled.remove(consultation);
        lastReports.remove(consultation);
        rungs.remove(consultation);
    }

    private void append(ConsultationId consultation, RecordEvent event) {
        queue(consultation, event.kind().wire(), () -> store.append(consultation, event));
    }

    private void append(ConsultationId consultation, MediaEntry entry) {
        queue(consultation, "media", () -> store.append(consultation, entry));
    }

    private void queue(ConsultationId consultation, String what, Runnable write) {
        writer.execute(() -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                LOG.warn("Could not add {} to the record of consultation {}: {}", what, consultation, e.toString());
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

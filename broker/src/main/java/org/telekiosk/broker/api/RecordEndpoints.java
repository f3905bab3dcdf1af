package org.telekiosk.broker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.record.MediaEntry;
import org.telekiosk.broker.record.RecordEvent;
import org.telekiosk.broker.record.RecordExport;

/**
 * {@code GET /api/v1/consultations/{id}/record} of {@code docs/api.md}: the consultation's record (KBV Anlage 31b) as
 * JSON, for its doctor; the console shows it and its printable page renders it. Roles and times only.
 */
final class RecordEndpoints {
    private final Authenticator auth;
    private final RecordExport export;

    RecordEndpoints(Authenticator auth, RecordExport export) {
        this.auth = auth;
        this.export = export;
    }

    record EventView(String at, String kind, String party, String participant, String detail) {}

    record MediaView(String at, String party, String path, String protocol, String localCandidateType,
            String remoteCandidateType, String localFingerprint, String remoteFingerprint, String fingerprints) {}

    record EndView(String at, String by, String reason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RecordView(String consultation, String target, String kiosk, String state, String createdAt,
            String accessUntil, EndView ended, String recording, String encryption, String fingerprints,
            List<String> paths, List<String> rungs, List<EventView> events, List<MediaView> media) {}

    ApiResponse get(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(auth.authenticate(r, false).account());
        ConsultationId consultation = Requests.consultationId(id);
        return Requests.json(200, view(Requests.done(export.export(caller, consultation))));
    }

    static RecordView view(RecordExport.Exported exported) {
        Consultation c = exported.consultation();
        List<RecordEvent> events = exported.content().events();
        List<MediaEntry> media = exported.content().media();
        EndView ended = events.stream().filter(e -> e.kind() == RecordEvent.Kind.ENDED).reduce((a, b) -> b)
                .map(e -> new EndView(e.at().toString(), e.party().wire(), e.detail())).orElse(null);
        return new RecordView(c.id().toString(),
                c.target() instanceof ConsultationTarget.Room ? "room" : "patient",
                c.target() instanceof ConsultationTarget.Room room ? room.kiosk().value() : null,
                c.state().name().toLowerCase(java.util.Locale.ROOT), c.createdAt().toString(),
                c.accessUntil().toString(), ended, "none", "dtls-srtp", fingerprints(media),
                media.stream().map(m -> m.report().path()).distinct().toList(),
                events.stream().filter(e -> e.kind() == RecordEvent.Kind.RUNG).map(RecordEvent::detail).toList(),
                events.stream().map(e -> new EventView(e.at().toString(), e.kind().wire(), e.party().wire(),
                        e.participant(), e.detail())).toList(),
                media.stream().map(m -> new MediaView(m.at().toString(), m.party().wire(), m.report().path(),
                        m.report().protocol(), m.report().localCandidateType(), m.report().remoteCandidateType(),
                        m.report().localFingerprint(), m.report().remoteFingerprint(), m.fingerprints().wire()))
                        .toList());
    }

    /**
     * The verdict over every media report: {@code none} without reports, {@code mismatch} if any report's
     * fingerprints differ from the signaled ones, {@code unknown} if any could not be compared, else {@code match}.
     */
    private static String fingerprints(List<MediaEntry> media) {
        if (media.isEmpty()) {
            return "none";
        }
        if (media.stream().anyMatch(m -> m.fingerprints() == MediaEntry.Fingerprints.MISMATCH)) {
            return "mismatch";
        }
        return media.stream().anyMatch(m -> m.fingerprints() == MediaEntry.Fingerprints.UNKNOWN) ? "unknown"
                : "match";
    }
}

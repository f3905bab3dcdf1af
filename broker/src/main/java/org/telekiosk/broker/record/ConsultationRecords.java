package org.telekiosk.broker.record;

import java.time.Instant;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * What the signaling adapter tells a consultation's record (KBV Anlage 31b): the doctor's connection coming and
 * going, the SDPs it relayed (only their DTLS fingerprints are kept, in memory), each page's media report, and each
 * change of the degradation ladder's rung. Every call only queues: it is made on signaling threads under a room's
 * monitor. Patients' seats and the end reach the record through the consultation services' watchers instead.
 */
public interface ConsultationRecords {
    /** Records nothing: for signaling without a record (tests of other concerns). */
    ConsultationRecords NONE = new ConsultationRecords() {
        @Override
        public void doctorJoined(ConsultationId consultation, Instant at) {}

        @Override
        public void doctorLeft(ConsultationId consultation, Instant at) {}

        @Override
        public void signaled(ConsultationId consultation, Party by, String sdp) {}

        @Override
        public void mediaReported(ConsultationId consultation, Party by, SignalRequest.MediaReport report,
                Instant at) {}

        @Override
        public void rungChanged(ConsultationId consultation, Party by, String rung, Instant at) {}

        @Override
        public void patientChecked(ConsultationId consultation, ParticipantId participant, PreCallCheck check,
                Instant at) {}
    };

    /** The doctor's signaling connection joined the consultation (again, after a reconnect). */
    void doctorJoined(ConsultationId consultation, Instant at);

    /** The doctor's signaling connection closed without the consultation ending. */
    void doctorLeft(ConsultationId consultation, Instant at);

    /** {@code by} sent this SDP (the doctor an offer, the patient an answer), and the broker relayed it. */
    void signaled(ConsultationId consultation, Party by, String sdp);

    /** {@code by}'s page reported how its media flows now. Kept only when it differs from its previous report. */
    void mediaReported(ConsultationId consultation, Party by, SignalRequest.MediaReport report, Instant at);

    /**
     * The degradation ladder moved to {@code rung} (a short name such as {@code audio-only}) as {@code by}'s page
     * decided; kept only when it differs from the consultation's current rung.
     */
    void rungChanged(ConsultationId consultation, Party by, String rung, Instant at);

    /**
     * {@code participant}'s page reported the results of its pre-call check (technical facts: whether a picture was
     * seen and a sound heard, the patient's answer to the test tone, round trip and bandwidth); called only when they
     * differ from the seat's previous report.
     */
    void patientChecked(ConsultationId consultation, ParticipantId participant, PreCallCheck check, Instant at);
}

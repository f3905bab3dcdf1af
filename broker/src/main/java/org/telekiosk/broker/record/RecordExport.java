package org.telekiosk.broker.record;

import java.time.Clock;
import java.util.Objects;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.request.Outcome;

/**
 * A consultation's record for its doctor only (others are refused as by {@link ConsultationService#get}); every
 * read is audited as {@link AuditAction#RECORD_EXPORTED} with the doctor, the consultation and the time. Blocking.
 */
public final class RecordExport {
    /** The consultation and what its record holds. */
    public record Exported(Consultation consultation, RecordContent content) {}

    private final ConsultationService consultations;
    private final RecordKeeper records;
    private final AuditLog audit;
    private final Clock clock;

    public RecordExport(ConsultationService consultations, RecordKeeper records, AuditLog audit, Clock clock) {
        this.consultations = Objects.requireNonNull(consultations, "consultations");
        this.records = Objects.requireNonNull(records, "records");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Outcome<Exported> export(Caller caller, ConsultationId id) {
        if (!(caller instanceof Caller.Staff staff)) {
            return Outcome.refused(new org.telekiosk.broker.request.Refusal.Forbidden());
        }
        return switch (consultations.get(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> {
                RecordContent content = records.read(id);
                audit.record(new AuditEvent(clock.instant(), AuditActor.account(staff.account().id()),
                        AuditAction.RECORD_EXPORTED, "consultation:" + id, content.events().size() + " events, "
                                + content.media().size() + " media reports", id.toString()));
                yield Outcome.done(new Exported(done.value(), content));
            }
        };
    }
}

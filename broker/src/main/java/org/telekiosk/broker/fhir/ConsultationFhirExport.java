package org.telekiosk.broker.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import org.hl7.fhir.r4.model.Bundle;
import org.telekiosk.broker.consultation.CallHistory;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.store.StoreException;

/**
 * A consultation's readings as a FHIR R4 Bundle, for its doctor ({@code GET /api/v1/consultations/{id}/fhir},
 * {@code docs/fhir.md}). Blocking (the consultation database, then the store's reader threads): call it off the
 * event loop. Every export is recorded in the audit log.
 */
public final class ConsultationFhirExport {
    /** The media type of the answer (FHIR R4 §3.1.0.1.4). */
    public static final String MEDIA_TYPE = "application/fhir+json";

    private final ConsultationService consultations;
    private final ReadingLinker linker;
    private final FhirBundleBuilder builder = new FhirBundleBuilder();
    private final Clock clock;

    public ConsultationFhirExport(ConsultationService consultations, ReadingLinker linker, Clock clock) {
        this.consultations = Objects.requireNonNull(consultations, "consultations");
        this.linker = Objects.requireNonNull(linker, "linker");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The bundle of the consultation's readings; refused for anyone but its doctor, as the other endpoints. */
    public Outcome<Bundle> bundle(Caller caller, ConsultationId id) {
        return switch (consultations.exportHistory(caller, id, "FHIR R4 bundle")) {
            case Outcome.Refused<CallHistory> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<CallHistory> history -> Outcome.done(build(history.value()));
        };
    }

    /** {@link #bundle} encoded as FHIR JSON. */
    public Outcome<String> json(Caller caller, ConsultationId id) {
        return switch (bundle(caller, id)) {
            case Outcome.Refused<Bundle> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Bundle> bundle -> Outcome.done(encode(bundle.value()));
        };
    }

    /** FHIR JSON of a bundle. The context is HAPI's shared R4 context: costly to make, made once per JVM. */
    public static String encode(Bundle bundle) {
        return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(bundle);
    }

    /**
     * Builds HAPI's R4 context and the definitions of the resources an export holds on a background thread, so that
     * a doctor's first export after the start does not wait for them (seconds on an idle 2-core machine, over 30 s
     * seen at a load average of 45: the request timed out). Once per JVM; later calls find it made.
     */
    public static void prepareInBackground() {
        Thread.ofPlatform().name("fhir-context").daemon().start(() -> {
            Bundle bundle = new Bundle();
            bundle.addEntry().setResource(new org.hl7.fhir.r4.model.Patient());
            bundle.addEntry().setResource(new org.hl7.fhir.r4.model.Device());
            bundle.addEntry().setResource(new org.hl7.fhir.r4.model.Observation()
                    .setValue(new org.hl7.fhir.r4.model.SampledData()));
            encode(bundle);
        });
    }

    private Bundle build(CallHistory history) {
        var now = clock.instant();
        List<LinkedReadings> readings;
        try {
            readings = linker.link(history, now).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw new StoreException("reading the measurement store failed: " + sql.getMessage(), sql);
            }
            throw e;
        }
        return builder.build(history.consultation(), readings, now);
    }
}

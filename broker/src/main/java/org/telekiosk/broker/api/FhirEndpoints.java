package org.telekiosk.broker.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.fhir.ConsultationFhirExport;

/**
 * {@code GET /api/v1/consultations/{id}/fhir} of {@code docs/api.md}: the consultation as a FHIR R4 bundle, as a
 * download. Who may is {@link ConsultationFhirExport}'s decision.
 */
final class FhirEndpoints {
    private final Authenticator auth;
    private final ConsultationFhirExport fhir;

    FhirEndpoints(Authenticator auth, ConsultationFhirExport fhir) {
        this.auth = auth;
        this.fhir = fhir;
    }

    ApiResponse export(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(auth.authenticate(r, false).account());
        ConsultationId consultation = Requests.consultationId(id);
        String bundle = Requests.done(fhir.json(caller, consultation));
        return new ApiResponse(200, ConsultationFhirExport.MEDIA_TYPE + "; charset=utf-8",
                bundle.getBytes(StandardCharsets.UTF_8), Map.of("Content-Disposition",
                        "attachment; filename=\"consultation-" + consultation + ".fhir.json\""));
    }
}

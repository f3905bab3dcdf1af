package org.telekiosk.broker.api;

import static org.telekiosk.broker.api.Requests.consultationId;
import static org.telekiosk.broker.api.Requests.done;
import static org.telekiosk.broker.api.Requests.json;
import static org.telekiosk.broker.api.Requests.parse;
import static org.telekiosk.broker.api.Requests.requireJson;

import java.time.Duration;
import java.util.Optional;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.api.ApiMessages.ConsultationList;
import org.telekiosk.broker.api.ApiMessages.ConsultationView;
import org.telekiosk.broker.api.ApiMessages.CreateConsultation;
import org.telekiosk.broker.api.ApiMessages.IssuedCodeView;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.protocol.KioskId;

/**
 * The consultation endpoints of {@code docs/api.md}: create (a doctor, for a patient or a kiosk room), list, show,
 * end, and issue a join code. Who may is {@link ConsultationService}'s and {@link JoinCodes}' decision.
 */
final class ConsultationEndpoints {
    private final Authenticator auth;
    private final ConsultationService consultations;
    private final JoinCodes codes;

    ConsultationEndpoints(Authenticator auth, ConsultationService consultations, JoinCodes codes) {
        this.auth = auth;
        this.consultations = consultations;
        this.codes = codes;
    }

    ApiResponse create(ApiRequest r) {
        Caller.Staff doctor = new Caller.Staff(auth.requireRole(r, true, Role.DOCTOR));
        CreateConsultation body = ApiJson.read(requireJson(r), CreateConsultation.class);
        ConsultationTarget target;
        if (body.kiosk() != null) {
            if (body.patientName() != null) {
                throw new ApiJson.BadRequest("give either 'kiosk' (a room consultation) or 'patientName' (a patient"
                        + " consultation), not both");
            }
            target = new ConsultationTarget.Room(parse("kiosk", () -> KioskId.of(body.kiosk())));
        } else {
            target = new ConsultationTarget.Patient(Optional.ofNullable(body.patientName())
                    .map(n -> parse("patientName", () -> DisplayName.of(n))));
        }
        Optional<Duration> window = Optional.ofNullable(body.accessWindow()).map(Requests::duration);
        var consultation = done(consultations.create(doctor, target, window));
        return json(201, ConsultationView.of(consultation))
                .withHeader("Location", RestApi.PREFIX + "consultations/" + consultation.id());
    }

    ApiResponse list(ApiRequest r) {
        Caller caller = staff(r, false);
        return json(200, new ConsultationList(done(consultations.listMine(caller)).stream()
                .map(ConsultationView::of).toList()));
    }

    ApiResponse get(ApiRequest r, String id) {
        return json(200, ConsultationView.of(done(consultations.get(staff(r, false), consultationId(id)))));
    }

    ApiResponse end(ApiRequest r, String id) {
        return json(200, ConsultationView.of(done(consultations.end(staff(r, true), consultationId(id)))));
    }

    ApiResponse issueCode(ApiRequest r, String id) {
        var issued = done(codes.issue(staff(r, true), consultationId(id)));
        return json(201, new IssuedCodeView(issued.consultation().toString(), issued.code().formatted(),
                issued.expiresAt().toString()));
    }

    private Caller staff(ApiRequest r, boolean changes) {
        return new Caller.Staff(auth.authenticate(r, changes).account());
    }
}

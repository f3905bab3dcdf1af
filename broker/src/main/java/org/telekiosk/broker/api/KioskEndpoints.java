package org.telekiosk.broker.api;

import java.util.Optional;
import org.telekiosk.broker.api.ApiMessages.CreateEnrollmentToken;
import org.telekiosk.broker.api.ApiMessages.EnrollmentTokenView;
import org.telekiosk.broker.api.ApiMessages.KioskList;
import org.telekiosk.broker.api.ApiMessages.KioskView;
import org.telekiosk.broker.consultation.Caller;
import org.telekiosk.broker.consultation.Outcome;
import org.telekiosk.broker.consultation.Refusal;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.qrcode.QrCode;
import org.telekiosk.protocol.KioskId;

/**
 * The technician's kiosk endpoints of {@code docs/api.md}: {@code GET /api/v1/kiosks} (the fleet),
 * {@code POST /api/v1/kiosks/{id}/enrollment-tokens} (a one-time token, shown once, with its QR code) and
 * {@code POST /api/v1/kiosks/{id}/revocation}. Authentication and CSRF as for every endpoint of {@link RestApi};
 * who may is {@link KioskAdministration}'s decision (technicians only).
 */
final class KioskEndpoints {
    private final RestApi api;
    private final Optional<KioskAdministration> kiosks;

    KioskEndpoints(RestApi api, Optional<KioskAdministration> kiosks) {
        this.api = api;
        this.kiosks = kiosks;
    }

    ApiResponse fleet(ApiRequest r) {
        KioskAdministration admin = administration();
        Caller caller = new Caller.Staff(api.authenticate(r, false).session().account());
        return RestApi.json(200, new KioskList(done(admin.fleet(caller)).stream().map(KioskView::of).toList()));
    }

    /** {@code GET /api/v1/rooms}: the kiosk rooms a doctor may create a consultation for (doctors only). */
    ApiResponse rooms(ApiRequest r) {
        KioskAdministration admin = administration();
        Caller caller = new Caller.Staff(api.authenticate(r, false).session().account());
        return RestApi.json(200, new ApiMessages.RoomList(done(admin.rooms(caller)).stream()
                .map(room -> new ApiMessages.RoomView(room.kioskId(), room.label(), room.online())).toList()));
    }

    ApiResponse createToken(ApiRequest r, String id) {
        KioskAdministration admin = administration();
        Caller caller = new Caller.Staff(api.authenticate(r, true).session().account());
        CreateEnrollmentToken body = ApiJson.read(RestApi.requireJson(r), CreateEnrollmentToken.class);
        String label = RestApi.required("label", body.label());
        KioskAdministration.IssuedToken issued = done(admin.createToken(caller, kioskId(id), label));
        return RestApi.json(201, new EnrollmentTokenView(issued.kioskId(), issued.token(),
                issued.expiresAt().toString(), QrCode.encode(issued.token()).rows()));
    }

    ApiResponse revoke(ApiRequest r, String id) {
        KioskAdministration admin = administration();
        Caller caller = new Caller.Staff(api.authenticate(r, true).session().account());
        return RestApi.json(200, KioskView.of(done(admin.revoke(caller, kioskId(id)))));
    }

    private KioskAdministration administration() {
        return kiosks.orElseThrow(() -> new RestApi.Refused(RestApi.noSuchEndpoint()));
    }

    private static KioskId kioskId(String text) {
        try {
            return KioskId.of(text);
        } catch (IllegalArgumentException e) {
            throw new ApiJson.BadRequest("the kiosk id in the path must be 3-40 of a-z, 0-9 and inner dashes,"
                    + " starting with a letter, e.g. wmk-lab-03");
        }
    }

    private static <T> T done(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new RestApi.Refused(switch (refused.refusal()) {
                case Refusal.NotFound n -> Problems.of(404, "no enrolled kiosk with this id that is not revoked"
                        + " already", n.code());
                case Refusal other -> Problems.of(other);
            });
        };
    }
}

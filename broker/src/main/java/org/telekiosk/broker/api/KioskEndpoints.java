package org.telekiosk.broker.api;

import org.telekiosk.broker.api.ApiMessages.CreateEnrollmentToken;
import org.telekiosk.broker.api.ApiMessages.EnrollmentTokenView;
import org.telekiosk.broker.api.ApiMessages.KioskList;
import org.telekiosk.broker.api.ApiMessages.KioskView;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.qrcode.QrCode;
import org.telekiosk.protocol.KioskId;

/**
 * The technician's kiosk endpoints of {@code docs/api.md}: {@code GET /api/v1/kiosks} (the fleet),
 * {@code POST /api/v1/kiosks/{id}/enrollment-tokens} (a one-time token, shown once, with its QR code) and
 * {@code POST /api/v1/kiosks/{id}/revocation}. Authentication and CSRF as for every endpoint of {@link Authenticator};
 * who may is {@link KioskAdministration}'s decision (technicians only).
 */
final class KioskEndpoints {
    private final Authenticator auth;
    private final KioskAdministration admin;

    KioskEndpoints(Authenticator auth, KioskAdministration admin) {
        this.auth = auth;
        this.admin = admin;
    }

    ApiResponse fleet(ApiRequest r) {
        Caller caller = new Caller.Staff(auth.authenticate(r, false).account());
        return Requests.json(200, new KioskList(done(admin.fleet(caller)).stream().map(KioskView::of).toList()));
    }

    /** {@code GET /api/v1/rooms}: the kiosk rooms a doctor may create a consultation for (doctors only). */
    ApiResponse rooms(ApiRequest r) {
        Caller caller = new Caller.Staff(auth.authenticate(r, false).account());
        return Requests.json(200, new ApiMessages.RoomList(done(admin.rooms(caller)).stream()
                .map(room -> new ApiMessages.RoomView(room.kioskId(), room.label(), room.online())).toList()));
    }

    ApiResponse createToken(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(auth.authenticate(r, true).account());
        CreateEnrollmentToken body = ApiJson.read(Requests.requireJson(r), CreateEnrollmentToken.class);
        String label = Requests.required("label", body.label());
        KioskAdministration.IssuedToken issued = done(admin.createToken(caller, kioskId(id), label));
        return Requests.json(201, new EnrollmentTokenView(issued.kioskId(), issued.token(),
                issued.expiresAt().toString(), QrCode.encode(issued.token()).rows()));
    }

    ApiResponse revoke(ApiRequest r, String id) {
        Caller caller = new Caller.Staff(auth.authenticate(r, true).account());
        return Requests.json(200, KioskView.of(done(admin.revoke(caller, kioskId(id)))));
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
        return Requests.done(outcome, refusal -> switch (refusal) {
            case Refusal.NotFound n -> Problems.of(404, "no enrolled kiosk with this id that is not revoked already",
                    n.code());
            case Refusal other -> Problems.of(other);
        });
    }
}

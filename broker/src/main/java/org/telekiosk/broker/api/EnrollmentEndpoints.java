package org.telekiosk.broker.api;

import java.util.Optional;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.enrollment.EnrollmentOutcome;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.Issued;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.KioskPageToken;
import org.telekiosk.protocol.enrollment.RenewalRequest;
import org.telekiosk.protocol.enrollment.UpdateKeyField;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The kiosk-facing endpoints of {@code protocol/README.md} ("Enrollment"): {@code POST /api/v1/enroll} (the token
 * authenticates), {@code POST /api/v1/renew} and {@code POST /api/v1/kiosk-page-tokens} (both over mutual TLS with
 * the kiosk's current certificate, which the transport hands over as {@link ApiRequest#peerCertificate()}). Their
 * bodies are the protocol's messages, decoded strictly by {@link WireCodec}; a body that is not one is answered 400
 * before the service is called. The agent reads the problem's title and detail, so these problems carry the
 * service's own title and no {@code code} (the agent's strict decoder would not know the field).
 */
final class EnrollmentEndpoints {
    private final EnrollmentService service;
    private final Optional<KioskPageTokens> pageTokens;
    private final Optional<UpdateKey> updateKey;
    private final WireCodec json = WireCodec.json(RestApi.MAX_KIOSK_BODY_BYTES);

    /** @param updateKey the agent packages' signing key, added to the answers of kiosks that ask for it */
    EnrollmentEndpoints(EnrollmentService service, Optional<KioskPageTokens> pageTokens,
            Optional<UpdateKey> updateKey) {
        this.service = service;
        this.pageTokens = pageTokens;
        this.updateKey = updateKey;
    }

    ApiResponse enroll(ApiRequest r) {
        EnrollmentRequest enroll = decode(r, EnrollmentRequest.class);
        return answer(service.enroll(enroll, AuditActor.client(r.from())), withKey(r));
    }

    ApiResponse renew(ApiRequest r) {
        RenewalRequest renew = decode(r, RenewalRequest.class);
        return answer(service.renew(r.peerCertificate().orElse(null), renew, AuditActor.client(r.from())),
                withKey(r));
    }

    ApiResponse pageToken(ApiRequest r) {
        KioskPageTokens tokens = pageTokens.orElseThrow();
        return switch (tokens.issue(r.peerCertificate().orElse(null), AuditActor.client(r.from()))) {
            case KioskPageTokens.NotIssued no -> Problems.of(no.refusal());
            case KioskPageTokens.IssuedToken issued -> ok(json.encodeToString(new KioskPageToken(
                    issued.kiosk().value(), issued.token().value(), issued.expiresAt(),
                    KioskPageToken.pathFor(issued.token().value()))));
        };
    }

    private <T> T decode(ApiRequest r, Class<T> type) {
        try {
            return json.decode(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), type);
        } catch (MalformedMessageException e) {
            throw new EarlyAnswer(Problems.of(new Refusal.KioskCredential(Refusal.Kind.INVALID, "Malformed request",
                    "the body must be a JSON object as in protocol/README.md: " + e.getMessage())));
        }
    }

    /** The update key, if the broker has one and the kiosk asked for it ({@link UpdateKeyField}). */
    private Optional<UpdateKey> withKey(ApiRequest r) {
        return updateKey.filter(k -> UpdateKeyField.asked(r.features().orElse(null)));
    }

    private ApiResponse answer(EnrollmentOutcome outcome, Optional<UpdateKey> withKey) {
        return switch (outcome) {
            case Issued issued -> ok(withKey.map(key -> UpdateKeyField.add(json.encodeToString(issued.response()), key))
                    .orElseGet(() -> json.encodeToString(issued.response())));
            case Refused refused -> problem(refused);
        };
    }

    private static ApiResponse ok(String body) {
        return new ApiResponse(200, ApiResponse.JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.Map.of());
    }

    private static ApiResponse problem(Refused refused) {
        return Problems.of(refused.refusal());
    }
}

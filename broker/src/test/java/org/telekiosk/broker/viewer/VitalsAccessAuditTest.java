package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.signaling.SignalingKit;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.viewer.ViewerRequest;

/** Every view of health data through the vitals socket is audited with who, which consultation and when. */
class VitalsAccessAuditTest {
    final SignalingKit kit = new SignalingKit();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final VitalsAccess access = new VitalsAccess(kit.sessions, kit.consultations, kit.clock, audit);

    @Test
    void aDoctorsViewOfAConsultationsVitalsIsAuditedWithTheConsultation() {
        Consultation consultation = kit.consultation(kit.doctor);
        VitalsAccess.Verdict verdict = access.authorize(new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION, new Credential.Session(
                kit.doctor.session().value(), consultation.id().toString())), Optional.empty());

        assertInstanceOf(VitalsAccess.Verdict.Granted.class, verdict);
        assertEquals(List.of(new AuditEvent(kit.clock.instant(), AuditActor.account(kit.doctor.account().id()),
                AuditAction.VITALS_VIEWED, "consultation:" + consultation.id(), "vitals socket",
                consultation.id().toString())), audit.events());
    }

    @Test
    void aKioskPagesViewOfItsOwnVitalsIsAuditedAndARefusedOneIsNot() {
        KioskId kiosk = KioskId.of("wmk-lab-03");
        access.authorize(new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION, new Credential.KioskCookie("")),
                Optional.of(kit.kioskPageSession(kiosk)));
        Consultation consultation = kit.consultation(kit.doctor);
        VitalsAccess.Verdict refused = access.authorize(new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION, new Credential.Session(
                kit.otherDoctor.session().value(), consultation.id().toString())), Optional.empty());

        assertInstanceOf(VitalsAccess.Verdict.Denied.class, refused);
        assertEquals(List.of(new AuditEvent(kit.clock.instant(), AuditActor.kiosk(kiosk), AuditAction.VITALS_VIEWED,
                "kiosk:" + kiosk, "kiosk page", "")), audit.events());
    }
}

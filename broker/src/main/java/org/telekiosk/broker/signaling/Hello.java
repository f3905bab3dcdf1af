package org.telekiosk.broker.signaling;


import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.consultation.Resumed;
import org.telekiosk.broker.consultation.Seat;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * A connection's {@code hello}, by credential: a doctor with their login session (the handshake's cookie or the token
 * itself), a patient with a one-time join code or, after a drop, the resume token of their last {@code welcome}, and
 * a kiosk's own page with its kiosk page session (no code). On success the connection joins its room as
 * {@link DoctorSide} or {@link PatientSide} and is welcomed; otherwise it fails with the matching error.
 */
final class Hello {
    private static final Logger LOG = LoggerFactory.getLogger(Hello.class);

    private final SignalingService service;
    private final Connection connection;
    private final Peer peer;

    Hello(SignalingService service, Connection connection) {
        this.service = service;
        this.connection = connection;
        this.peer = connection.peer();
    }

    void accept(SignalRequest.Hello hello) {
        if (hello.protocolVersion() < SignalRequest.OLDEST_PROTOCOL_VERSION
                || hello.protocolVersion() > SignalRequest.PROTOCOL_VERSION) {
            connection.fail(SignalError.UNSUPPORTED_VERSION, "this broker speaks protocol versions "
                    + SignalRequest.OLDEST_PROTOCOL_VERSION + " to " + SignalRequest.PROTOCOL_VERSION);
            return;
        }
        connection.version(hello.protocolVersion());
        switch (hello.credential()) {
            case Credential.Cookie cookie -> doctor(peer.cookieSession(), cookie.consultation());
            case Credential.Session session -> doctor(OpaqueToken.parse(session.token()), session.consultation());
            case Credential.Code code -> patientJoin(code);
            case Credential.KioskCookie kiosk -> kioskCallIn(kiosk);
            case Credential.Resume resume -> patientResume(resume);
        }
    }

    private void doctor(Optional<OpaqueToken> token, String consultationText) {
        doctor(token.map(OpaqueToken::hash), new ConsultationId(UUID.fromString(consultationText)), true);
    }

    /**
     * The doctor's {@code hello} with the hash of their login session: checked here, then seated in the room on this
     * node or, when {@code mayRelay} and the room is on another node, relayed there (which checks again and seats).
     */
    void doctor(Optional<SecretHash> session, ConsultationId id, boolean mayRelay) {
        Optional<Account> account = session.flatMap(service::activeAccount);
        if (account.isEmpty()) {
            connection.fail(SignalError.NOT_AUTHENTICATED, "no valid login session");
            return;
        }
        Caller caller = new Caller.Staff(account.get());
        Outcome<Consultation> found = service.consultations.get(caller, id);
        if (!(found instanceof Outcome.Done<Consultation> done)) {
            Refusal refusal = ((Outcome.Refused<Consultation>) found).refusal();
            connection.fail(SignalErrors.doctorHello(refusal), account.get().role() == Role.DOCTOR ? "not your consultation"
                    : "only doctors join consultations");
            return;
        }
        if (done.value().state() == ConsultationState.ENDED || done.value().closedAt(service.clock.instant())) {
            connection.fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
            return;
        }
        if (mayRelay && service.relay().doctorElsewhere(connection, id, session.get())) {
            return;
        }
        service.inRoom(id, room -> {
            if (!service.stillOpen(room, caller)) {
                connection.fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
                return;
            }
            Optional<Connection> replaced = room.doctorConnection();
            if (replaced.isPresent()) {
                connection.inheritPlace(replaced.get());
            } else if (!connection.holdPlace("account:" + account.get().id())) {
                tooMany();
                return;
            }
            Optional<Connection> previous = room.seatDoctor(connection, account.get());
            connection.joined(new DoctorSide(service, connection, room, session.get()));
            previous.ifPresent(old -> old.finish(CloseCodes.REPLACED, "replaced by a newer connection"));
            LOG.info("[{}] Doctor joined consultation {}", peer.id(), id);
            service.records.doctorJoined(id, service.clock.instant());
            peer.send(new SignalEvent.Welcome(connection.version(), id.toString(), Participant.Role.DOCTOR,
                    "", "", room.hasCall() ? SignalEvent.SeatStatus.IN_CALL : SignalEvent.SeatStatus.WAITING,
                    room.doctorLast()));
            room.toDoctor(seq -> service.events.waitingRoom(room, seq));
            room.toDoctor(seq -> service.events.participants(room, seq));
            if (room.hasCall()) {
                room.toDoctor(seq -> service.admittedEvent(account.get().id().toString(), seq));
            }
        });
    }

    private void tooMany() {
        connection.fail(SignalError.TOO_MANY_SOCKETS, "at most " + service.config.maxSocketsPerAccount()
                + " signaling sockets per account at once; close one first");
    }

    private void patientJoin(Credential.Code code) {
        Optional<DisplayName> name = code.name().isEmpty() ? Optional.empty() : Optional.of(DisplayName.of(code.name()));
        switch (service.codes.redeem(code.code(), peer.address(), name, service.kioskOf(peer))) {
            case Outcome.Refused<Joined> refused -> connection.fail(SignalErrors.hello(refused.refusal()),
                    "join code refused");
            case Outcome.Done<Joined> done -> seat(done.value(), 0, false);
        }
    }

    /** A kiosk's own page calls its patient in: the kiosk page session names the kiosk, no code is needed. */
    private void kioskCallIn(Credential.KioskCookie credential) {
        Optional<KioskId> kiosk = service.kioskOf(peer);
        if (kiosk.isEmpty()) {
            connection.fail(SignalError.NOT_AUTHENTICATED, "no valid kiosk page session");
            return;
        }
        if (!connection.holdPlace("kiosk:" + kiosk.get())) {
            tooMany();
            return;
        }
        Optional<DisplayName> name = credential.name().isEmpty() ? Optional.empty()
                : Optional.of(DisplayName.of(credential.name()));
        switch (service.waitingRoom.callIn(new Caller.Kiosk(kiosk.get()), name)) {
            case Outcome.Refused<Joined> refused -> connection.fail(refused.refusal() instanceof Refusal.NotFound
                    ? SignalError.NO_ROOM_CONSULTATION : SignalErrors.hello(refused.refusal()), "cannot call in");
            case Outcome.Done<Joined> done -> seat(done.value(), 0, false);
        }
    }

    private void patientResume(Credential.Resume resume) {
        Optional<OpaqueToken> token = OpaqueToken.parse(resume.token());
        if (token.isEmpty()) {
            connection.fail(SignalError.NOT_AUTHENTICATED, "not a resume token");
            return;
        }
        switch (service.reconnects.resume(token.get(), resume.lastSeen())) {
            case Outcome.Refused<Resumed> refused -> connection.fail(SignalErrors.hello(refused.refusal()), "cannot resume");
            case Outcome.Done<Resumed> done -> seat(done.value().seat(), resume.lastSeen(), true);
        }
    }

    private void seat(Joined joined, long lastSeen, boolean resumed) {
        service.relay().seatHeld(joined.participant());
        if (service.relay().patientElsewhere(connection, joined, lastSeen, resumed)) {
            return;
        }
        seat(joined.consultation(), joined.participant(), joined.status(), joined.resumeToken().value(), lastSeen,
                resumed);
    }

    /**
     * Seats the patient whose {@code hello} succeeded in the room on this node. {@code resumeToken} goes into the
     * {@code welcome}; it is empty when the socket is on another node, which puts its own in (the token never
     * travels between nodes).
     */
    void seat(ConsultationId consultation, ParticipantId participantId, Seat.Status status, String resumeToken,
            long lastSeen, boolean resumed) {
        service.inRoom(consultation, room -> {
            if (!service.stillOpen(room, new Caller.Patient(consultation, participantId))) {
                connection.fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
                return;
            }
            Room.Link link = room.link(participantId);
            Optional<Connection> previous = link.attach(connection);
            previous.ifPresent(connection::inheritPlace);
            connection.joined(new PatientSide(service, connection, room, participantId));
            previous.ifPresent(old -> old.finish(CloseCodes.REPLACED, "replaced by a newer connection"));
            boolean inCall = status == Seat.Status.IN_CALL;
            if (inCall && !room.hasCall()) {
                // The seat says in the call, the room on this node knows no call: the room was rebuilt here after
                // the node that held it died or restarted (issue 17). The call goes on without a new admit.
                room.admit(participantId);
                LOG.info("[{}] Consultation {}'s call with {} rebuilt from its seat", peer.id(), consultation,
                        participantId);
            }
            String participant = participantId.toString();
            LOG.info("[{}] Patient {} {} consultation {}", peer.id(), participant, resumed ? "resumed in" : "joined",
                    consultation);
            peer.send(new SignalEvent.Welcome(connection.version(), consultation.toString(),
                    Participant.Role.PATIENT, participant, resumeToken,
                    inCall ? SignalEvent.SeatStatus.IN_CALL : SignalEvent.SeatStatus.WAITING, link.outbox().last()));
            link.outbox().after(lastSeen).forEach(peer::send);
            if (resumed && inCall) {
                link.send(seq -> service.admittedEvent(participant, seq));
                room.toDoctor(seq -> new SignalEvent.IceRestart(seq));
            }
            room.toDoctor(seq -> service.events.waitingRoom(room, seq));
        });
    }
}

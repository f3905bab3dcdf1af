package org.telekiosk.broker.signaling;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.consultation.CallMember;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.record.Party;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * The doctor's connection to one consultation: admits, offers, sends candidates, ends. The login session is looked up
 * again before each privileged action ({@code admit}, {@code offer}, {@code end}), so a logout ends these powers.
 */
final class DoctorSide implements Connection.Side {
    private static final Logger LOG = LoggerFactory.getLogger(DoctorSide.class);

    private final SignalingService service;
    private final Connection connection;
    private final Room room;
    /** The hash of the doctor's login session token (the token itself stays on the node that holds the socket). */
    private final org.telekiosk.broker.account.SecretHash session;
    private final CallMessages messages;

    DoctorSide(SignalingService service, Connection connection, Room room,
            org.telekiosk.broker.account.SecretHash session) {
        this.service = service;
        this.connection = connection;
        this.room = room;
        this.session = session;
        this.messages = new CallMessages(service, connection.peer());
    }

    @Override
    public Room room() {
        return room;
    }

    @Override
    public void receive(SignalRequest request) {
        switch (request) {
            case SignalRequest.Admit admit -> {
                if (privileged().isPresent()) {
                    admit(admit);
                }
            }
            case SignalRequest.Offer offer -> {
                if (privileged().isEmpty()) {
                    return;
                }
                Optional<Room.Link> patient = room.callee();
                if (patient.isEmpty()) {
                    connection.refuse(SignalError.OUT_OF_ORDER, "nobody is in the call to offer to");
                    return;
                }
                room.offered();
                service.records.signaled(room.id(), Party.DOCTOR, offer.sdp());
                patient.get().send(seq -> new SignalEvent.Offer(seq, offer.sdp()));
            }
            case SignalRequest.IceCandidate candidate -> {
                Optional<Room.Link> patient = room.callee();
                if (patient.isEmpty() || !room.negotiating()) {
                    connection.refuse(SignalError.OUT_OF_ORDER, "no negotiation in progress");
                    return;
                }
                patient.get().send(seq -> new SignalEvent.IceCandidate(seq, candidate.candidate(),
                        candidate.sdpMid(), candidate.sdpMLineIndex()));
            }
            case SignalRequest.End end -> end();
            case SignalRequest.MediaReport report -> service.mediaReport(connection, room.id(), room.hasCall(),
                    Party.DOCTOR, report);
            case SignalRequest.Chat chat -> messages.doctorChat(room, chat);
            case SignalRequest.Check check -> connection.refuse(SignalError.NOT_ALLOWED,
                    "only a patient's page reports a pre-call check");
            case SignalRequest.Quality quality -> messages.doctorQuality(room, quality);
            case SignalRequest.JoinTime joinTime -> connection.refuse(SignalError.NOT_ALLOWED,
                    "only a patient's page reports its join time");
            case SignalRequest.Ready ready -> connection.refuse(SignalError.NOT_ALLOWED,
                    "only patients report readiness");
            case SignalRequest.Answer answer -> connection.refuse(SignalError.NOT_ALLOWED,
                    "the doctor offers, never answers");
            case SignalRequest.IceRestart restart -> connection.refuse(SignalError.NOT_ALLOWED,
                    "send an offer made with createOffer({iceRestart: true})");
            case SignalRequest.Leave leave -> connection.refuse(SignalError.NOT_ALLOWED, "close the socket, or end");
            case SignalRequest.Hello hello -> connection.refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            case SignalRequest.Ping ping -> connection.peer().send(new SignalEvent.Pong(ping.nonce()));
        }
    }

    @Override
    public void closed() {
        if (room.doctorLeft(connection)) {
            LOG.info("[{}] Doctor disconnected from consultation {}", connection.peer().id(), room.id());
            service.records.doctorLeft(room.id(), service.clock.instant());
        }
    }

    /** The doctor's session, looked up again; fails the connection if it has ended. */
    private Optional<Account> privileged() {
        Optional<Account> account = service.activeAccount(session);
        if (account.isEmpty()) {
            connection.fail(SignalError.NOT_AUTHENTICATED, "the login session has ended");
        } else {
            room.doctorAccount(account.get());
        }
        return account;
    }

    private void admit(SignalRequest.Admit admit) {
        if (room.callBusy()) {
            connection.refuse(SignalError.NOT_FOUND, "another patient is in the call");
            return;
        }
        ParticipantId who = new ParticipantId(UUID.fromString(admit.participant()));
        Account doctor = room.doctorAccount().orElseThrow();
        switch (service.waitingRoom.admit(new Caller.Staff(doctor), room.id(), who)) {
            case Outcome.Refused<CallMember> refused -> connection.refuse(SignalErrors.admit(refused.refusal()),
                    "cannot admit: " + refused.refusal().code());
            case Outcome.Done<CallMember> done -> {
                Room.Link link = room.link(who);
                room.admit(who);
                LOG.info("[{}] Doctor admitted {} to consultation {}", connection.peer().id(), who, room.id());
                link.send(seq -> service.admittedEvent(who.toString(), seq));
                room.toDoctor(seq -> service.admittedEvent(doctor.id().toString(), seq));
                room.toDoctor(seq -> service.events.waitingRoom(room, seq));
                room.toDoctor(seq -> service.events.participants(room, seq));
                link.send(seq -> service.events.participants(room, seq));
            }
        }
    }

    private void end() {
        Optional<Account> account = privileged();
        if (account.isEmpty()) {
            return;
        }
        // Ended as over REST: the service tells SignalingService#ended, which closes this room (this thread holds its
        // monitor already) with ended-by-doctor.
        ConsultationId id = room.id();
        switch (service.consultations.end(new Caller.Staff(account.get()), id)) {
            case Outcome.Refused<Consultation> refused ->
                    connection.refuse(SignalErrors.end(refused.refusal()), "cannot end: " + refused.refusal().code());
            case Outcome.Done<Consultation> done -> LOG.info("[{}] Doctor ended consultation {}",
                    connection.peer().id(), id);
        }
    }
}

package org.telekiosk.broker.signaling;


import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.consultation.DeviceReadiness;
import org.telekiosk.broker.record.Party;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * A seated patient's connection (by join code, kiosk call-in or resume): reports readiness, answers the doctor's
 * offer, sends candidates and ICE restarts while in the call, leaves. A drop keeps the seat for the grace period.
 */
final class PatientSide implements Connection.Side {
    private static final Logger LOG = LoggerFactory.getLogger(PatientSide.class);

    private final SignalingService service;
    private final Connection connection;
    private final Room room;
    private final ParticipantId participant;
    private final CallMessages messages;
    private boolean left;

    PatientSide(SignalingService service, Connection connection, Room room, ParticipantId participant) {
        this.service = service;
        this.connection = connection;
        this.room = room;
        this.participant = participant;
        this.messages = new CallMessages(service, connection.peer());
    }

    @Override
    public Room room() {
        return room;
    }

    @Override
    public void receive(SignalRequest request) {
        Caller caller = new Caller.Patient(room.id(), participant);
        boolean inCall = room.inCall(participant);
        switch (request) {
            case SignalRequest.Ready ready -> {
                switch (service.waitingRoom.reportReadiness(caller, RoomEvents.fromWire(ready.readiness()))) {
                    case Outcome.Refused<DeviceReadiness> refused ->
                            connection.fail(SignalErrors.hello(refused.refusal()), "seat gone");
                    case Outcome.Done<DeviceReadiness> done ->
                            room.toDoctor(seq -> service.events.waitingRoom(room, seq));
                }
            }
            case SignalRequest.Check check -> {
                Optional<Room.Link> link = room.seated(participant);
                if (link.isPresent() && link.get().check(check.result())) {
                    service.records.patientChecked(room.id(), participant, check.result(), service.clock.instant());
                    room.toDoctor(seq -> service.events.waitingRoom(room, seq));
                }
            }
            case SignalRequest.Answer answer -> {
                if (!inCall || !room.answer()) {
                    connection.refuse(SignalError.OUT_OF_ORDER, "no offer to answer");
                    return;
                }
                service.records.signaled(room.id(), Party.PATIENT, answer.sdp());
                room.toDoctor(seq -> new SignalEvent.Answer(seq, answer.sdp()));
            }
            case SignalRequest.IceCandidate candidate -> {
                if (!inCall || !room.negotiating()) {
                    connection.refuse(SignalError.OUT_OF_ORDER, "no negotiation in progress");
                    return;
                }
                room.toDoctor(seq -> new SignalEvent.IceCandidate(seq, candidate.candidate(), candidate.sdpMid(),
                        candidate.sdpMLineIndex()));
            }
            case SignalRequest.IceRestart restart -> {
                if (!inCall) {
                    connection.refuse(SignalError.OUT_OF_ORDER, "not in the call");
                    return;
                }
                room.toDoctor(seq -> new SignalEvent.IceRestart(seq));
            }
            case SignalRequest.Leave leave -> leave(caller, inCall);
            case SignalRequest.MediaReport report -> service.mediaReport(connection, room.id(), inCall,
                    Party.PATIENT, report);
            case SignalRequest.Chat chat -> messages.patientChat(room, inCall, chat);
            case SignalRequest.JoinTime joinTime -> service.joinTime(connection, room, participant, inCall, joinTime);
            case SignalRequest.Quality quality -> connection.refuse(SignalError.NOT_ALLOWED,
                    "only the doctor's page sets the rung");
            case SignalRequest.Admit admit -> connection.refuse(SignalError.NOT_ALLOWED, "only the doctor admits");
            case SignalRequest.Offer offer -> connection.refuse(SignalError.NOT_ALLOWED, "only the doctor offers");
            case SignalRequest.End end -> connection.refuse(SignalError.NOT_ALLOWED,
                    "only the doctor ends the consultation");
            case SignalRequest.Hello hello -> connection.refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            case SignalRequest.Ping ping -> connection.peer().send(new SignalEvent.Pong(ping.nonce()));
        }
    }

    private void leave(Caller caller, boolean inCall) {
        service.waitingRoom.leave(caller);
        left = true;
        Optional<Room.Link> link = room.unseat(participant);
        if (inCall) {
            room.toDoctor(seq -> service.events.participants(room, seq));
        }
        room.toDoctor(seq -> service.events.waitingRoom(room, seq));
        link.ifPresent(l -> l.send(seq -> new SignalEvent.Ended(seq, "left")));
        LOG.info("[{}] Patient {} left consultation {}", connection.peer().id(), participant, room.id());
        connection.finish(CloseCodes.NORMAL, "left");
    }

    @Override
    public void closed() {
        Optional<Room.Link> link = room.seated(participant);
        if (link.isEmpty() || !link.get().heldBy(connection) || left) {
            return;
        }
        link.get().dropped(service.clock.instant());
        service.reconnects.disconnected(participant);
        LOG.info("[{}] Patient {} dropped; seat kept for the grace period", connection.peer().id(), participant);
        room.toDoctor(seq -> service.events.waitingRoom(room, seq));
    }
}

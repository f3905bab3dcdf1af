package org.telekiosk.broker.signaling;

import static org.telekiosk.broker.signaling.SignalingService.helloError;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.consultation.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.consultation.Outcome;
import org.telekiosk.broker.consultation.ParticipantId;
import org.telekiosk.broker.consultation.Refusal;
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
 * One signaling connection: before {@code hello} it may only say hello or ping; after it, it is the doctor of one
 * consultation or one seated patient, and each message is checked against that role and the room's state (see the
 * table "Who may send what" in {@code protocol/README.md}). Calls arrive one at a time (the adapter serialises
 * them); the room's monitor guards what is shared.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final SignalingService service;
    private final Peer peer;
    private final RateLimit rate;
    private final CallMessages messages;
    private volatile boolean finished;
    private volatile Room room;
    /** Set for a doctor: the session token to re-check on privileged actions. */
    private OpaqueToken doctorSession;
    /** Set for a patient. */
    private ParticipantId participant;
    private boolean left;

    Connection(SignalingService service, Peer peer) {
        this.service = service;
        this.peer = peer;
        this.rate = new RateLimit(service.clock, service.config.ratePerSecond(), service.config.burst());
        this.messages = new CallMessages(service, peer);
    }

    Peer peer() {
        return peer;
    }

    /** Handles one message from the browser. */
    public void receive(SignalRequest request) {
        if (finished) {
            return;
        }
        if (!rate.tryAcquire()) {
            LOG.info("[{}] Signaling rate limit exceeded; closing", peer.id());
            fail(SignalError.RATE_LIMITED, "more than " + service.config.ratePerSecond() + " messages per second");
            return;
        }
        if (request instanceof SignalRequest.Ping ping) {
            peer.send(new SignalEvent.Pong(ping.nonce()));
            return;
        }
        if (room == null) {
            if (request instanceof SignalRequest.Hello hello) {
                hello(hello);
            } else {
                fail(SignalError.NOT_AUTHENTICATED, "say hello first");
            }
            return;
        }
        if (request instanceof SignalRequest.Hello) {
            refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            return;
        }
        synchronized (room) {
            if (finished) {
                return;
            }
            if (doctorSession != null) {
                asDoctor(request);
            } else {
                asPatient(request);
            }
        }
    }

    /** Whether {@code hello} succeeded. */
    public boolean isAuthenticated() {
        return room != null;
    }

    /** The transport's deadline for {@code hello} passed. */
    public void timedOut() {
        if (!finished && room == null) {
            fail(SignalError.NOT_AUTHENTICATED, "no hello in time");
        }
    }

    /** The transport saw the socket close (for whatever reason). */
    public void closed() {
        finished = true;
        Room current = room;
        if (current == null) {
            return;
        }
        synchronized (current) {
            if (doctorSession != null) {
                if (current.doctor == this) {
                    current.doctor = null;
                    LOG.info("[{}] Doctor disconnected from consultation {}", peer.id(), current.id);
                }
                return;
            }
            Room.Link link = current.patients.get(participant);
            if (link == null || link.connection != this || left) {
                return;
            }
            link.connection = null;
            link.droppedAt = Optional.of(service.clock.instant());
            service.reconnects.disconnected(participant);
            LOG.info("[{}] Patient {} dropped; seat kept for the grace period", peer.id(), participant);
            service.toDoctor(current, seq -> service.waitingRoomEvent(current, seq));
        }
    }

    /** Closes this connection from the broker's side; nothing it sends afterwards is handled. */
    void finish(int code, String reason) {
        finished = true;
        peer.close(code, reason);
    }

    // --- hello ---

    private void hello(SignalRequest.Hello hello) {
        if (hello.protocolVersion() != SignalRequest.PROTOCOL_VERSION) {
            fail(SignalError.UNSUPPORTED_VERSION, "this broker speaks protocol version "
                    + SignalRequest.PROTOCOL_VERSION);
            return;
        }
        switch (hello.credential()) {
            case Credential.Cookie cookie -> doctorHello(peer.cookieSession(), cookie.consultation());
            case Credential.Session session -> doctorHello(OpaqueToken.parse(session.token()), session.consultation());
            case Credential.Code code -> patientJoin(code);
            case Credential.KioskCookie kiosk -> kioskCallIn(kiosk);
            case Credential.Resume resume -> patientResume(resume);
        }
    }

    private void doctorHello(Optional<OpaqueToken> token, String consultationText) {
        Optional<Account> account = token.flatMap(this::lookup);
        if (account.isEmpty()) {
            fail(SignalError.NOT_AUTHENTICATED, "no valid login session");
            return;
        }
        ConsultationId id = new ConsultationId(UUID.fromString(consultationText));
        Caller caller = new Caller.Staff(account.get());
        Outcome<Consultation> found = service.consultations.get(caller, id);
        if (!(found instanceof Outcome.Done<Consultation> done)) {
            Refusal refusal = ((Outcome.Refused<Consultation>) found).refusal();
            fail(refusal instanceof Refusal.NotAuthenticated ? SignalError.NOT_AUTHENTICATED : SignalError.FORBIDDEN,
                    account.get().role() == Role.DOCTOR ? "not your consultation" : "only doctors join consultations");
            return;
        }
        if (done.value().state() == ConsultationState.ENDED || done.value().closedAt(service.clock.instant())) {
            fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
            return;
        }
        Room joined = service.room(id);
        synchronized (joined) {
            if (!service.stillOpen(joined, caller)) {
                fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
                return;
            }
            Connection previous = joined.doctor;
            joined.doctor = this;
            joined.doctorAccount = account.get();
            room = joined;
            doctorSession = token.get();
            if (previous != null && previous != this) {
                previous.finish(CloseCodes.REPLACED, "replaced by a newer connection");
            }
            LOG.info("[{}] Doctor joined consultation {}", peer.id(), id);
            peer.send(new SignalEvent.Welcome(SignalRequest.PROTOCOL_VERSION, id.toString(), Participant.Role.DOCTOR,
                    "", "", joined.inCall != null ? SignalEvent.SeatStatus.IN_CALL : SignalEvent.SeatStatus.WAITING,
                    joined.doctorOutbox.last()));
            service.toDoctor(joined, seq -> service.waitingRoomEvent(joined, seq));
            service.toDoctor(joined, seq -> service.participantsEvent(joined, seq));
            if (joined.inCall != null) {
                service.toDoctor(joined, seq -> service.admittedEvent(account.get().id().toString(), seq));
            }
        }
    }

    private Optional<Account> lookup(OpaqueToken token) {
        return service.sessions.lookup(token) instanceof SessionLookup.Active active
                ? Optional.of(active.account()) : Optional.empty();
    }

    private void patientJoin(Credential.Code code) {
        Optional<DisplayName> name = code.name().isEmpty() ? Optional.empty() : Optional.of(DisplayName.of(code.name()));
        switch (service.codes.redeem(code.code(), peer.address(), name, service.kioskOf(peer))) {
            case Outcome.Refused<Joined> refused -> fail(helloError(refused.refusal()), "join code refused");
            case Outcome.Done<Joined> done -> seat(done.value(), 0, false);
        }
    }

    /** A kiosk's own page calls its patient in: the kiosk page session names the kiosk, no code is needed. */
    private void kioskCallIn(Credential.KioskCookie credential) {
        Optional<KioskId> kiosk = service.kioskOf(peer);
        if (kiosk.isEmpty()) {
            fail(SignalError.NOT_AUTHENTICATED, "no valid kiosk page session");
            return;
        }
        Optional<DisplayName> name = credential.name().isEmpty() ? Optional.empty()
                : Optional.of(DisplayName.of(credential.name()));
        switch (service.waitingRoom.callIn(new Caller.Kiosk(kiosk.get()), name)) {
            case Outcome.Refused<Joined> refused -> fail(refused.refusal() instanceof Refusal.NotFound
                    ? SignalError.NO_ROOM_CONSULTATION : helloError(refused.refusal()), "cannot call in");
            case Outcome.Done<Joined> done -> seat(done.value(), 0, false);
        }
    }

    private void patientResume(Credential.Resume resume) {
        Optional<OpaqueToken> token = OpaqueToken.parse(resume.token());
        if (token.isEmpty()) {
            fail(SignalError.NOT_AUTHENTICATED, "not a resume token");
            return;
        }
        switch (service.reconnects.resume(token.get(), resume.lastSeen())) {
            case Outcome.Refused<Resumed> refused -> fail(helloError(refused.refusal()), "cannot resume");
            case Outcome.Done<Resumed> done -> seat(done.value().seat(), resume.lastSeen(), true);
        }
    }

    private void seat(Joined joined, long lastSeen, boolean resumed) {
        Room joinedRoom = service.room(joined.consultation());
        synchronized (joinedRoom) {
            if (!service.stillOpen(joinedRoom, new Caller.Patient(joined.consultation(), joined.participant()))) {
                fail(SignalError.ACCESS_EXPIRED, "the consultation is over");
                return;
            }
            Room.Link link = joinedRoom.link(joined.participant(), service.config.replayEvents());
            Connection previous = link.connection;
            link.connection = this;
            link.droppedAt = Optional.empty();
            room = joinedRoom;
            participant = joined.participant();
            if (previous != null && previous != this) {
                previous.finish(CloseCodes.REPLACED, "replaced by a newer connection");
            }
            boolean inCall = joined.status() == Seat.Status.IN_CALL;
            LOG.info("[{}] Patient {} {} consultation {}", peer.id(), participant, resumed ? "resumed in" : "joined",
                    joined.consultation());
            peer.send(new SignalEvent.Welcome(SignalRequest.PROTOCOL_VERSION, joined.consultation().toString(),
                    Participant.Role.PATIENT, participant.toString(), joined.resumeToken().value(),
                    inCall ? SignalEvent.SeatStatus.IN_CALL : SignalEvent.SeatStatus.WAITING, link.outbox.last()));
            link.outbox.after(lastSeen).forEach(peer::send);
            if (resumed && inCall) {
                service.toPatient(link, seq -> service.admittedEvent(participant.toString(), seq));
                service.toDoctor(joinedRoom, seq -> new SignalEvent.IceRestart(seq));
            }
            service.toDoctor(joinedRoom, seq -> service.waitingRoomEvent(joinedRoom, seq));
        }
    }

    // --- after hello; the room's monitor is held ---

    private void asDoctor(SignalRequest request) {
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
                Room.Link patient = room.inCall == null ? null : room.patients.get(room.inCall);
                if (patient == null) {
                    refuse(SignalError.OUT_OF_ORDER, "nobody is in the call to offer to");
                    return;
                }
                room.offerSeen = true;
                room.awaitingAnswer = true;
                service.toPatient(patient, seq -> new SignalEvent.Offer(seq, offer.sdp()));
            }
            case SignalRequest.IceCandidate candidate -> {
                Room.Link patient = room.inCall == null ? null : room.patients.get(room.inCall);
                if (patient == null || !room.offerSeen) {
                    refuse(SignalError.OUT_OF_ORDER, "no negotiation in progress");
                    return;
                }
                service.toPatient(patient, seq -> new SignalEvent.IceCandidate(seq, candidate.candidate(),
                        candidate.sdpMid(), candidate.sdpMLineIndex()));
            }
            case SignalRequest.End end -> {
                Optional<Account> account = privileged();
                if (account.isEmpty()) {
                    return;
                }
                // Ended as over REST: the service tells SignalingService#ended, which closes this room (this thread
                // holds its monitor already) with ended-by-doctor.
                ConsultationId id = room.id;
                switch (service.consultations.end(new Caller.Staff(account.get()), id)) {
                    case Outcome.Refused<Consultation> refused ->
                            refuse(SignalError.ILLEGAL_TRANSITION, "cannot end: " + refused.refusal().code());
                    case Outcome.Done<Consultation> done ->
                            LOG.info("[{}] Doctor ended consultation {}", peer.id(), id);
                }
            }
            case SignalRequest.Chat chat -> messages.doctorChat(room, chat);
            case SignalRequest.Quality quality -> messages.doctorQuality(room, quality);
            case SignalRequest.Ready ready -> refuse(SignalError.NOT_ALLOWED, "only patients report readiness");
            case SignalRequest.Answer answer -> refuse(SignalError.NOT_ALLOWED, "the doctor offers, never answers");
            case SignalRequest.IceRestart restart -> refuse(SignalError.NOT_ALLOWED,
                    "send an offer made with createOffer({iceRestart: true})");
            case SignalRequest.Leave leave -> refuse(SignalError.NOT_ALLOWED, "close the socket, or end");
            case SignalRequest.Hello hello -> refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            case SignalRequest.Ping ping -> peer.send(new SignalEvent.Pong(ping.nonce()));
        }
    }

    /** The doctor's session, looked up again (a logout ends their signaling powers); fails the connection if dead. */
    private Optional<Account> privileged() {
        Optional<Account> account = lookup(doctorSession);
        if (account.isEmpty()) {
            fail(SignalError.NOT_AUTHENTICATED, "the login session has ended");
        } else {
            room.doctorAccount = account.get();
        }
        return account;
    }

    private void admit(SignalRequest.Admit admit) {
        if (room.inCall != null && room.patients.containsKey(room.inCall)) {
            refuse(SignalError.NOT_FOUND, "another patient is in the call");
            return;
        }
        ParticipantId who = new ParticipantId(UUID.fromString(admit.participant()));
        Caller caller = new Caller.Staff(room.doctorAccount);
        switch (service.waitingRoom.admit(caller, room.id, who)) {
            case Outcome.Refused<org.telekiosk.broker.consultation.Participant> refused -> refuse(
                    refused.refusal() instanceof Refusal.NotFound ? SignalError.NOT_FOUND
                            : SignalError.ILLEGAL_TRANSITION, "cannot admit: " + refused.refusal().code());
            case Outcome.Done<org.telekiosk.broker.consultation.Participant> done -> {
                Room.Link link = room.link(who, service.config.replayEvents());
                room.inCall = who;
                room.resetNegotiation();
                LOG.info("[{}] Doctor admitted {} to consultation {}", peer.id(), who, room.id);
                service.toPatient(link, seq -> service.admittedEvent(who.toString(), seq));
                service.toDoctor(room, seq -> service.admittedEvent(room.doctorAccount.id().toString(), seq));
                Room current = room;
                service.toDoctor(current, seq -> service.waitingRoomEvent(current, seq));
                service.toDoctor(current, seq -> service.participantsEvent(current, seq));
                service.toPatient(link, seq -> service.participantsEvent(current, seq));
            }
        }
    }

    private void asPatient(SignalRequest request) {
        Caller caller = new Caller.Patient(room.id, participant);
        boolean inCall = participant.equals(room.inCall);
        Room current = room;
        switch (request) {
            case SignalRequest.Ready ready -> {
                switch (service.waitingRoom.reportReadiness(caller, SignalingService.fromWire(ready.readiness()))) {
                    case Outcome.Refused<org.telekiosk.broker.consultation.Readiness> refused ->
                            fail(helloError(refused.refusal()), "seat gone");
                    case Outcome.Done<org.telekiosk.broker.consultation.Readiness> done ->
                            service.toDoctor(current, seq -> service.waitingRoomEvent(current, seq));
                }
            }
            case SignalRequest.Answer answer -> {
                if (!inCall || !room.awaitingAnswer) {
                    refuse(SignalError.OUT_OF_ORDER, "no offer to answer");
                    return;
                }
                room.awaitingAnswer = false;
                service.toDoctor(room, seq -> new SignalEvent.Answer(seq, answer.sdp()));
            }
            case SignalRequest.IceCandidate candidate -> {
                if (!inCall || !room.offerSeen) {
                    refuse(SignalError.OUT_OF_ORDER, "no negotiation in progress");
                    return;
                }
                service.toDoctor(room, seq -> new SignalEvent.IceCandidate(seq, candidate.candidate(),
                        candidate.sdpMid(), candidate.sdpMLineIndex()));
            }
            case SignalRequest.IceRestart restart -> {
                if (!inCall) {
                    refuse(SignalError.OUT_OF_ORDER, "not in the call");
                    return;
                }
                service.toDoctor(room, seq -> new SignalEvent.IceRestart(seq));
            }
            case SignalRequest.Leave leave -> {
                service.waitingRoom.leave(caller);
                left = true;
                Room.Link link = room.patients.remove(participant);
                if (inCall) {
                    room.inCall = null;
                    room.resetNegotiation();
                    service.toDoctor(current, seq -> service.participantsEvent(current, seq));
                }
                service.toDoctor(current, seq -> service.waitingRoomEvent(current, seq));
                if (link != null) {
                    service.toPatient(link, seq -> new SignalEvent.Ended(seq, "left"));
                }
                LOG.info("[{}] Patient {} left consultation {}", peer.id(), participant, room.id);
                finish(CloseCodes.NORMAL, "left");
            }
            case SignalRequest.Chat chat -> messages.patientChat(room, inCall, chat);
            case SignalRequest.Quality quality -> refuse(SignalError.NOT_ALLOWED, "only the doctor's page sets the rung");
            case SignalRequest.Admit admit -> refuse(SignalError.NOT_ALLOWED, "only the doctor admits");
            case SignalRequest.Offer offer -> refuse(SignalError.NOT_ALLOWED, "only the doctor offers");
            case SignalRequest.End end -> refuse(SignalError.NOT_ALLOWED, "only the doctor ends the consultation");
            case SignalRequest.Hello hello -> refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            case SignalRequest.Ping ping -> peer.send(new SignalEvent.Pong(ping.nonce()));
        }
    }

    // --- answers ---

    private void refuse(SignalError error, String message) {
        peer.send(new SignalEvent.Error(error.code(), message));
    }

    private void fail(SignalError error, String message) {
        LOG.info("[{}] Signaling refused ({}): {}", peer.id(), error.code(), message);
        peer.send(new SignalEvent.Error(error.code(), message));
        finish(error.closeCode() == 0 ? CloseCodes.NORMAL : error.closeCode(), error.code());
    }
}

package org.telekiosk.broker.signaling;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.telekiosk.broker.consultation.CallMember;
import org.telekiosk.broker.consultation.DeviceReadiness;
import org.telekiosk.broker.consultation.WaitingListEntry;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.KioskSensors;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.Readiness;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.WaitingPatient;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The events a room's doctor gets about who waits and who is in the call ({@code waiting-room}, {@code participants}),
 * read from the waiting room when they are sent, and the wire form of a patient's device readiness.
 */
final class RoomEvents {
    private final WaitingRoom waitingRoom;
    private final Function<KioskId, Optional<KioskStatus>> statuses;

    RoomEvents(WaitingRoom waitingRoom, Function<KioskId, Optional<KioskStatus>> statuses) {
        this.waitingRoom = Objects.requireNonNull(waitingRoom, "waitingRoom");
        this.statuses = Objects.requireNonNull(statuses, "statuses");
    }

    SignalEvent.Numbered waitingRoom(Room room, long seq) {
        if (room.doctorAccount().isEmpty()) {
            return new SignalEvent.WaitingRoom(seq, List.of());
        }
        Outcome<List<WaitingListEntry>> list =
                waitingRoom.waitingList(new Caller.Staff(room.doctorAccount().get()), room.id());
        // A version 1 doctor gets the version 1 form (no check field): their decoder refuses unknown fields.
        boolean version1 = room.doctorConnection().map(c -> c.version() == 1).orElse(false);
        List<WaitingPatient> patients = list instanceof Outcome.Done<List<WaitingListEntry>> done
                ? done.value().stream().map(entry -> toWire(entry, room.seated(entry.participant())
                        .map(Room.Link::check).orElse(PreCallCheck.NOT_REPORTED)))
                        .map(patient -> version1 ? patient.asVersion1() : patient).toList()
                : List.of();
        return new SignalEvent.WaitingRoom(seq, patients);
    }

    SignalEvent.Numbered participants(Room room, long seq) {
        if (room.doctorAccount().isEmpty()) {
            return new SignalEvent.Participants(seq, List.of());
        }
        Outcome<List<CallMember>> list =
                waitingRoom.participants(new Caller.Staff(room.doctorAccount().get()), room.id());
        List<Participant> people = list instanceof Outcome.Done<List<CallMember>> done
                ? done.value().stream().map(p -> new Participant(p.role() == CallMember.Role.DOCTOR
                        ? Participant.Role.DOCTOR : Participant.Role.PATIENT, p.name().value())).toList()
                : List.of();
        return new SignalEvent.Participants(seq, people);
    }

    WaitingPatient toWire(WaitingListEntry patient, PreCallCheck check) {
        DeviceReadiness r = patient.readiness();
        OptionalInt rtt = r.roundTripMillis();
        KioskSensors sensors = patient.kiosk().map(kiosk -> statuses.apply(kiosk)
                        .map(status -> KioskSensors.reported(status.sensors())).orElse(KioskSensors.NOT_REPORTED))
                .orElse(KioskSensors.NO_KIOSK);
        return new WaitingPatient(patient.participant().toString(), patient.name().value(),
                patient.kiosk().map(Object::toString).orElse(""), patient.waitingSince(), patient.connected(),
                new Readiness(r.cameraGranted(), r.microphoneGranted(), rtt.isPresent() ? rtt.getAsInt() : -1),
                sensors, check);
    }

    static DeviceReadiness fromWire(Readiness r) {
        return new DeviceReadiness(r.camera(), r.microphone(),
                r.roundTripMillis() < 0 ? OptionalInt.empty() : OptionalInt.of(r.roundTripMillis()));
    }
}

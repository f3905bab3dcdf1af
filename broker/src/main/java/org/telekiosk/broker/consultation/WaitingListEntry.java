package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Optional;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/** One entry of the doctor's waiting list: who waits, where, since when, how ready, and whether connected now. */
public record WaitingListEntry(ParticipantId participant, DisplayName name, Optional<KioskId> kiosk,
        Instant waitingSince, DeviceReadiness readiness, boolean connected) {}

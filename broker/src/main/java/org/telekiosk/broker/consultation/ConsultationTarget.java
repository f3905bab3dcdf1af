package org.telekiosk.broker.consultation;

import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.protocol.KioskId;

/** Whom a consultation is for: whoever sits at one kiosk room, or one patient who will get a join code. */
public sealed interface ConsultationTarget {
    /** The patient at this kiosk; the kiosk calls them in, or they enter a code there. */
    record Room(KioskId kiosk) implements ConsultationTarget {
        public Room {
            Objects.requireNonNull(kiosk, "kiosk");
        }
    }

    /** One patient, optionally named so that the doctor recognises them in the waiting room. */
    record Patient(Optional<DisplayName> displayName) implements ConsultationTarget {
        public Patient {
            Objects.requireNonNull(displayName, "displayName");
        }
    }
}

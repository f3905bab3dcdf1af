package org.telekiosk.broker.viewer;

import java.util.Objects;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.protocol.KioskId;

/**
 * Who an accepted vitals socket belongs to, and so which kiosks' readings it may see: the doctor of a consultation
 * (the kiosk of the patient in its call) or a kiosk's own page (its own readings while its patient is in a call).
 */
public sealed interface ViewerPrincipal {
    /** The doctor of {@code consultation}: sees the kiosk of the patient in its call, while they are in it. */
    record Doctor(ConsultationId consultation) implements ViewerPrincipal {
        public Doctor {
            Objects.requireNonNull(consultation, "consultation");
        }
    }

    /**
     * The page on {@code kiosk}'s own screen (a kiosk page session): sees that kiosk's readings while its patient is
     * in a call, taken since the admission, so the patient sees what the doctor sees and never the previous
     * patient's values.
     */
    record Kiosk(KioskId kiosk) implements ViewerPrincipal {
        public Kiosk {
            Objects.requireNonNull(kiosk, "kiosk");
        }
    }
}

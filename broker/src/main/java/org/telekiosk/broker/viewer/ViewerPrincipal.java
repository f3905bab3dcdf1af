package org.telekiosk.broker.viewer;

import java.util.Objects;
import org.telekiosk.broker.consultation.ConsultationId;

/**
 * Who an accepted vitals socket belongs to, and so which kiosks' readings it may see.
 *
 * <p>Seam for the kiosk page (issue 7, not built yet): once the kiosk page has its own session
 * ({@code Caller.Kiosk}), a {@code Kiosk(KioskId)} principal joins this list, authorised by {@link VitalsAccess}
 * and routed by {@link CallIndex} to that one kiosk's readings regardless of any consultation.
 */
public sealed interface ViewerPrincipal {
    /** The doctor of {@code consultation}: sees the kiosk of the patient in its call, while they are in it. */
    record Doctor(ConsultationId consultation) implements ViewerPrincipal {
        public Doctor {
            Objects.requireNonNull(consultation, "consultation");
        }
    }
}

package org.telekiosk.broker.request;

import java.util.Objects;
import org.telekiosk.broker.account.Account;
import org.telekiosk.protocol.KioskId;

/**
 * Who is asking, as established by the transport before it calls a service: nobody, a logged-in account (session
 * token), a patient holding a seat (from a redeemed code or a resume token), or a kiosk (its credential or client
 * certificate). Services decide what each may do; see the authorization matrix test.
 */
public sealed interface Caller {
    record Anonymous() implements Caller {}

    record Staff(Account account) implements Caller {
        public Staff {
            Objects.requireNonNull(account, "account");
        }
    }

    record Patient(ConsultationId consultation, ParticipantId participant) implements Caller {
        public Patient {
            Objects.requireNonNull(consultation, "consultation");
            Objects.requireNonNull(participant, "participant");
        }
    }

    record Kiosk(KioskId kiosk) implements Caller {
        public Kiosk {
            Objects.requireNonNull(kiosk, "kiosk");
        }
    }
}

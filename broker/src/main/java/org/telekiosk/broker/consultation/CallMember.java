package org.telekiosk.broker.consultation;

import org.telekiosk.broker.account.DisplayName;

/** Someone in the call, listed by role and name, as everyone in the call is shown to the others. */
public record CallMember(Role role, DisplayName name) {
    public enum Role { DOCTOR, PATIENT }
}

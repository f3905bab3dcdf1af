package org.telekiosk.broker.consultation;

import org.telekiosk.broker.account.DisplayName;

/** Someone in the call, listed by role and name (issue 3: "everyone in the call is listed by role and name"). */
public record Participant(Role role, DisplayName name) {
    public enum Role { DOCTOR, PATIENT }
}

package org.telekiosk.broker.account;

import java.util.Objects;

/** A doctor's, technician's or admin's account as the rest of the broker sees it: no password hash in here. */
public record Account(AccountId id, LoginName loginName, DisplayName displayName, Role role) {
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(loginName, "loginName");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
    }
}

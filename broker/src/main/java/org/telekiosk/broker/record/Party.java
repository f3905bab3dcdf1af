package org.telekiosk.broker.record;

import java.util.Locale;

/** Who an entry of a consultation's record is about: a role, never a name. */
public enum Party {
    DOCTOR, PATIENT, BROKER;

    /** The lower-case name used in the database and the JSON export. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Party fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}

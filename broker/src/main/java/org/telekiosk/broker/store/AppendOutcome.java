package org.telekiosk.broker.store;

/** What the store did with a reading handed to it. */
public enum AppendOutcome {
    /** The reading was new and is now stored (committed). */
    STORED,
    /** A reading with the same {@code (kiosk, seq)} and the same content was stored before; nothing was changed. */
    DUPLICATE,
    /**
     * A reading with the same {@code (kiosk, seq)} but other content was stored before (a kiosk enrolled again that
     * numbered from 1, say): this one is kept aside as a conflict (committed), counted, never dropped silently.
     */
    CONFLICT,
    /** The payload was no valid reading; it is kept as refused (committed) and its number counts as received. */
    REFUSED
}

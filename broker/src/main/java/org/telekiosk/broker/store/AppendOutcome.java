package org.telekiosk.broker.store;

/** What the store did with a reading handed to it. */
public enum AppendOutcome {
    /** The reading was new and is now stored (committed). */
    STORED,
    /** A reading with the same {@code (kiosk, seq)} was stored before; nothing was changed. */
    DUPLICATE
}

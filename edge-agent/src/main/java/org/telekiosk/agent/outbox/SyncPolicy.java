package org.telekiosk.agent.outbox;

/**
 * How hard the outbox pushes each commit to the storage device (SQLite's {@code PRAGMA synchronous} in WAL mode,
 * https://sqlite.org/pragma.html#pragma_synchronous). Both survive a crash of the agent process (SIGKILL, an
 * exception, an out-of-memory kill) without losing a committed reading; they differ on a power cut or kernel crash.
 */
public enum SyncPolicy {
    /**
     * Every commit syncs the write-ahead log to the device before it returns: a reading is published only once it
     * would survive a power cut. Costs one {@code fsync} per commit (commits are batched, so not one per reading).
     * The default.
     */
    FULL,
    /**
     * The write-ahead log is synced only at checkpoints (about every 1,000 pages, 4 MiB): a power cut can roll back
     * the commits since the last checkpoint, readings that may already have been published; their sequence numbers
     * may then be handed out again after the restart, and the broker keeps the first reading it got under each
     * number. For storage where {@code fsync} is too slow for the reading rate.
     */
    NORMAL;

    /** The value for {@code PRAGMA synchronous}. */
    String pragma() {
        return name();
    }
}

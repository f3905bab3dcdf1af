package org.telekiosk.broker.store;

/**
 * The database failed (unreachable, full, a constraint the code did not expect). Unchecked, because the repository
 * ports it crosses are plain Java interfaces; adapters answer it as "service unavailable", never with its message.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

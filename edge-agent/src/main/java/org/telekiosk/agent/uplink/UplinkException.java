package org.telekiosk.agent.uplink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A publish did not reach an acknowledgement; {@link #reason()} says why. */
public final class UplinkException extends Exception {
    /** Why a publish failed. */
    public enum Reason {
        /** Not connected right now; try again after reconnect. */
        DISCONNECTED,
        /** The in-flight window is full; try again when an acknowledgement arrives. */
        WINDOW_FULL,
        /**
         * The broker answered the publish with an error reason code that rules the message out (MQTT 5 §3.4.2.1):
         * sending it again would be refused again.
         */
        REFUSED,
        /**
         * The broker answered PUBACK 0x97 "quota exceeded": the kiosk published faster than its quota at the broker.
         * The message itself is fine; send it again later.
         */
        THROTTLED,
        /** The connection dropped or the client failed before the acknowledgement. */
        LOST
    }

    private final Reason reason;

    public UplinkException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Why {@code failed}, a publish's future that completed exceptionally, failed. */
    public static UplinkException of(CompletableFuture<?> failed) {
        try {
            failed.join();
        } catch (CompletionException e) {
            return of(e);
        }
        throw new IllegalStateException("not failed");
    }

    /**
     * The {@link UplinkException} behind a publish's failure, unwrapped from its {@link CompletionException}; the
     * port promises one, anything else is treated as a lost publish (to be sent again).
     */
    public static UplinkException of(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof UplinkException uplinkException) {
            return uplinkException;
        }
        return new UplinkException(Reason.LOST, String.valueOf(cause), cause);
    }
}

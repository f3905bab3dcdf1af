package org.telekiosk.agent.outbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The {@link OutboxSender}'s one place for a {@link KioskStatus}: the newest status not yet acknowledged. A newer status
 * replaces an older one not yet sent; one is in flight at a time; one lost with the connection stays for the next
 * {@link #send()} unless a newer one replaced it; one the broker refuses is dropped (sending it again would be refused
 * again). Lives on the outbox sender's thread only.
 */
final class StatusSlot {
    private static final Logger log = LoggerFactory.getLogger(StatusSlot.class);

    private final Uplink uplink;
    private final Executor thread;
    private final Runnable retryLater;
    private KioskStatus pending;
    private boolean inFlight;

    /**
     * @param thread     the outbox sender's thread, where acknowledgements are handled
     * @param retryLater asks the outbox sender to try again later, after a failure that no reconnect may follow
     */
    StatusSlot(Uplink uplink, Executor thread, Runnable retryLater) {
        this.uplink = uplink;
        this.thread = thread;
        this.retryLater = retryLater;
    }

    /** Takes {@code status} as the newest and sends it when it can. */
    void offer(KioskStatus status) {
        pending = status;
        send();
    }

    /** Sends the pending status, unless there is none or one is in flight. */
    void send() {
        if (pending == null || inFlight) {
            return;
        }
        KioskStatus status = pending;
        CompletableFuture<Void> ack;
        try {
            ack = uplink.publish(status);
        } catch (RuntimeException e) {
            // The port never throws; if an implementation does, keep the status and try again later.
            log.error("The uplink failed to take the status", e);
            ack = CompletableFuture.failedFuture(e);
        }
        if (ack.isCompletedExceptionally()) {
            settle(status, UplinkException.of(ack));
            return;
        }
        inFlight = true;
        ack.whenCompleteAsync((ok, failure) -> {
            inFlight = false;
            settle(status, failure == null ? null : UplinkException.of(failure));
            send();
        }, thread);
    }

    private void settle(KioskStatus status, UplinkException failure) {
        if (failure != null && failure.reason() != UplinkException.Reason.REFUSED) {
            retryLater.run();
            return;
        }
        if (failure != null) {
            log.warn("The broker refused the status of {}: {}", status.sentAt(), failure.getMessage());
        }
        if (pending == status) {
            pending = null;
        }
    }
}

package org.telekiosk.agent.command;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Sends command updates with QoS 1, in order, one at a time, each until the MQTT broker acknowledged it (PUBACK): an
 * update that could not be sent (not connected, connection lost) stays at the head of the queue and is sent again
 * when the uplink reconnects ({@link #connected()}). Kept in memory: an update lost to an agent restart leaves the
 * command to the broker's expiry. Never blocks.
 */
public final class UpdateSender {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateSender.class);
    /** The most updates kept; beyond, the oldest is dropped (a broker away for long expires its commands anyway). */
    static final int MAX_QUEUED = 1024;

    private final Function<KioskMessage, CompletableFuture<Void>> publish;
    private final Deque<CommandUpdate> queue = new ArrayDeque<>();
    private boolean sending;

    /** @param publish the uplink's publish (QoS 1; the future completes on PUBACK) */
    public UpdateSender(Function<KioskMessage, CompletableFuture<Void>> publish) {
        this.publish = Objects.requireNonNull(publish, "publish");
    }

    /** Queues {@code update} and sends it as soon as everything before it went. */
    public void send(CommandUpdate update) {
        synchronized (this) {
            if (queue.size() >= MAX_QUEUED) {
                LOG.warn("Dropping the oldest unsent command update (queue full)");
                queue.removeFirst();
            }
            queue.addLast(update);
        }
        next();
    }

    /** The uplink (re)connected: send what is waiting. */
    public void connected() {
        next();
    }

    /** How many updates wait to be acknowledged. */
    public synchronized int queued() {
        return queue.size();
    }

    private void next() {
        CommandUpdate head;
        synchronized (this) {
            if (sending || queue.isEmpty()) {
                return;
            }
            sending = true;
            head = queue.peekFirst();
        }
        CompletableFuture<Void> sent;
        try {
            sent = publish.apply(head);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, failure) -> {
            synchronized (this) {
                sending = false;
                if (failure == null && queue.peekFirst() == head) {
                    queue.removeFirst();
                }
            }
            if (failure == null) {
                next();
            } else {
                LOG.debug("Command update not sent yet (again on reconnect): {}", failure.toString());
            }
        });
    }
}

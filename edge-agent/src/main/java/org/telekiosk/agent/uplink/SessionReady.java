package org.telekiosk.agent.uplink;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a {@link PahoSession}'s connection may be reported: after its CONNACK, three things must have happened — the
 * SUBACK of the downlink subscription, the PUBACK of the {@code online} announcement, and the retained store
 * acknowledgement or the wait for it running out (or the server keeping no retained messages, or the kiosk holding
 * nothing to send). Whichever comes last reports, once; any thread. {@link #cancel} (the session closing) makes sure
 * it never reports.
 */
final class SessionReady {
    private static final Logger log = LoggerFactory.getLogger(SessionReady.class);

    private final boolean retainAvailable;
    private final BooleanSupplier holding;
    private final ScheduledExecutorService scheduler;
    private final Duration retainedAckWait;
    private final Runnable report;
    private boolean subscribed;
    private boolean acknowledged;
    private boolean waitedOut;
    private boolean announced;
    private boolean reported;
    private ScheduledFuture<?> waitFor;

    /**
     * @param retainAvailable whether the CONNACK said the server keeps retained messages (MQTT 5 §3.2.2.3.5)
     * @param holding whether the kiosk holds readings to send (only then is the retained acknowledgement waited for)
     * @param scheduler runs the end of that wait
     * @param retainedAckWait how long after the SUBACK the acknowledgement is waited for at most
     * @param report reports the connection, called once
     */
    SessionReady(boolean retainAvailable, BooleanSupplier holding, ScheduledExecutorService scheduler,
            Duration retainedAckWait, Runnable report) {
        this.retainAvailable = retainAvailable;
        this.holding = holding;
        this.scheduler = scheduler;
        this.retainedAckWait = retainedAckWait;
        this.report = report;
    }

    /** The downlink subscription was answered; {@code withRetained}: granted, so a retained acknowledgement may come. */
    synchronized void subscribed(boolean withRetained) {
        subscribed = true;
        if (withRetained && retainAvailable && !acknowledged && holding.getAsBoolean()) {
            waitFor = scheduler.schedule(this::waitedOut, retainedAckWait.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            waitedOut = true;
        }
        reportIfReady();
    }

    /** The {@code online} announcement was answered (or failed, which was logged). */
    synchronized void announced() {
        announced = true;
        reportIfReady();
    }

    /** A store acknowledgement for this kiosk arrived. */
    synchronized void acknowledged() {
        acknowledged = true;
        reportIfReady();
    }

    private synchronized void waitedOut() {
        if (!acknowledged && !reported) {
            log.info("No retained store acknowledgement within {} ms of the SUBACK; sending what the outbox "
                    + "holds (the store counts readings it already has as duplicates)", retainedAckWait.toMillis());
        }
        waitedOut = true;
        reportIfReady();
    }

    /** Never reports from now on (the session is closing). */
    synchronized void cancel() {
        reported = true;
        if (waitFor != null) {
            waitFor.cancel(false);
        }
    }

    private void reportIfReady() {
        if (reported || !subscribed || !announced || !(acknowledged || waitedOut)) {
            return;
        }
        reported = true;
        if (waitFor != null) {
            waitFor.cancel(false);
        }
        report.run();
    }
}

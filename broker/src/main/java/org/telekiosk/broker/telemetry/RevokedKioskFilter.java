package org.telekiosk.broker.telemetry;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.store.RefusedReading;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Drops what a revoked kiosk publishes before it is stored, shown or counted online. With an external MQTT broker
 * ({@code mqtt.external-host}, issue 17) no node sees the kiosks' TLS connections: the MQTT broker checks a
 * certificate against the CRL it was last given ({@code mosquitto-config --crl-only} and a restart), so a kiosk revoked
 * since is still let in and may publish; the nodes cannot end its session there. On the embedded broker a revoked
 * kiosk's connection is refused and its session removed, and this only catches what was in flight.
 *
 * <p>A kiosk counts as revoked once this node's registry says so (within the registry's poll, 2 s, of a revocation
 * on another node); a kiosk the registry does not know yet (enrolled on another node a moment ago) passes. What is
 * dropped is acknowledged to the MQTT broker (a redelivery would be dropped again), counted, and logged once per kiosk
 * — except with the embedded broker's in-process intake ({@code sendAgain}): there a kiosk may have negotiated that a
 * PUBACK 0x00 means stored (protocol README) and would delete the reading, so what is dropped fails with
 * {@link Revoked} and is answered 0x97: the kiosk keeps it, and sends it again once enrolled again (the embedded
 * broker has closed the revoked certificate's connection, so nothing comes round again before that).
 * What it cannot tell: a kiosk revoked and enrolled again under the same id is in service, and its old certificate,
 * still let in by an MQTT broker with an old CRL, publishes as the kiosk (only that broker sees the certificate).
 */
public final class RevokedKioskFilter implements MessageSink {
    private static final Logger LOG = LoggerFactory.getLogger(RevokedKioskFilter.class);

    private final MessageSink downstream;
    private final Predicate<KioskId> revoked;
    private final LongAdder dropped = new LongAdder();
    private final boolean sendAgain;
    /** Kiosks already logged; bounded by the revoked kiosks. */
    private final Set<KioskId> logged = ConcurrentHashMap.newKeySet();

    /**
     * @param revoked whether the registry has the kiosk as revoked now; must not block (it runs on the intake's
     *                callback thread)
     */
    public RevokedKioskFilter(MessageSink downstream, Predicate<KioskId> revoked) {
        this(downstream, revoked, false);
    }

    /**
     * @param sendAgain whether what is dropped fails with {@link Revoked} (the in-process intake answers it 0x97, the
     *                  kiosk keeps it) instead of completing (acknowledged, gone)
     */
    public RevokedKioskFilter(MessageSink downstream, Predicate<KioskId> revoked, boolean sendAgain) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.sendAgain = sendAgain;
    }

    /** What a dropped message fails with when the kiosk is to keep it; logged once per kiosk by the filter itself. */
    public static final class Revoked extends RuntimeException {
        Revoked(KioskId kiosk) {
            super("kiosk " + kiosk.value() + " is revoked; kept by the kiosk until it is enrolled again", null, false,
                    false);
        }
    }

    @Override
    public CompletionStage<Void> take(KioskMessage message) {
        KioskId kiosk = message.kiosk();
        if (revoked.test(kiosk)) {
            return drop(kiosk, message.getClass().getSimpleName());
        }
        return downstream.take(message);
    }

    @Override
    public CompletionStage<Void> refuse(RefusedReading refusal) {
        if (revoked.test(refusal.kiosk())) {
            return drop(refusal.kiosk(), "refused reading");
        }
        return downstream.refuse(refusal);
    }

    /** Messages dropped because their kiosk was revoked, since start. */
    public long dropped() {
        return dropped.sum();
    }

    private CompletionStage<Void> drop(KioskId kiosk, String what) {
        dropped.increment();
        if (sendAgain && logged.add(kiosk)) {
            LOG.info("Answered a {} from revoked kiosk {} to be sent again (in flight when the kiosk was revoked; it"
                    + " keeps it until it is enrolled again); logged once per kiosk", what, kiosk);
        } else if (logged.add(kiosk)) {
            LOG.warn("Dropped a {} from revoked kiosk {}: the MQTT broker still lets it publish (an external MQTT broker"
                    + " checks the CRL it was last given: copy the current one to it and restart it, mosquitto-config"
                    + " --crl-only). What it publishes is dropped; logged once per kiosk", what, kiosk);
        }
        return sendAgain ? CompletableFuture.failedFuture(new Revoked(kiosk)) : CompletableFuture.completedFuture(null);
    }

}

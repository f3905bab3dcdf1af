package org.telekiosk.broker.telemetry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.store.AppendOutcome;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.RefusedReading;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Stores each measurement and waveform batch, then forwards it to the viewers, unless the store recognised it as
 * a duplicate: a redelivered reading is neither stored nor shown twice. A kiosk status is not stored, only forwarded.
 * A command update goes to the command service (which keeps it, off this thread) and not to the viewers.
 * Never blocks the caller: the forwarding runs when the store's future completes, on the store's writer thread, where
 * {@code viewers} must only queue (the node's viewer hub hands each message to its kiosk's fan-out lane: the ordering,
 * encoding and sending run there, so that the writer's time a reading is the commit's and the acknowledgement's).
 */
public final class StoringForwarder implements MessageSink {
    private static final Logger LOG = LoggerFactory.getLogger(StoringForwarder.class);

    private final MeasurementStore store;
    private final Consumer<KioskMessage> viewers;

    private final Consumer<KioskStatus> statuses;
    private final StoreAcks acks;
    private final Function<CommandUpdate, CompletionStage<Void>> commands;
    private final Consumer<AuditEvent> audit;
    private final java.time.Clock clock;
    private final Function<Presence, CompletionStage<Void>> presence;

    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers) {
        this(store, viewers, status -> { });
    }

    /** @param statuses also takes every kiosk status (the {@link KioskStatusBoard}); must not block */
    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers, Consumer<KioskStatus> statuses) {
        this(store, viewers, statuses, new StoreAcks(k -> new CompletableFuture<>(), ack -> true));
    }

    /**
     * @param statuses also takes every kiosk status (the {@link KioskStatusBoard}); must not block
     * @param acks     told of every committed or duplicate reading and every status, for the kiosks' store
     *                 acknowledgements
     */
    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers, Consumer<KioskStatus> statuses,
            StoreAcks acks) {
        this(store, viewers, statuses, acks, update -> CompletableFuture.completedFuture(null));
    }

    /**
     * @param commands takes every command update; must not block (the returned stage completes when it is kept,
     *                 and only then is the update acknowledged to the kiosk)
     */
    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers, Consumer<KioskStatus> statuses,
            StoreAcks acks, Function<CommandUpdate, CompletionStage<Void>> commands) {
        this(store, viewers, statuses, acks, commands, event -> { }, java.time.Clock.systemUTC());
    }

    /**
     * @param audit records every refused reading and every conflict (the audit log); must not block for long
     * @param clock stamps those audit events
     */
    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers, Consumer<KioskStatus> statuses,
            StoreAcks acks, Function<CommandUpdate, CompletionStage<Void>> commands,
            Consumer<AuditEvent> audit, java.time.Clock clock) {
        this(store, viewers, statuses, acks, commands, audit, clock, p -> CompletableFuture.completedFuture(null));
    }

    /**
     * @param presence takes every kiosk's {@link Presence} (online after its CONNACK, its Will offline); must not block
     *                 (the stage completes when it is recorded, and only then is it acknowledged to the MQTT broker)
     */
    public StoringForwarder(MeasurementStore store, Consumer<KioskMessage> viewers, Consumer<KioskStatus> statuses,
            StoreAcks acks, Function<CommandUpdate, CompletionStage<Void>> commands,
            Consumer<AuditEvent> audit, java.time.Clock clock, Function<Presence, CompletionStage<Void>> presence) {
        this.presence = presence;
        this.audit = audit;
        this.clock = clock;
        this.commands = commands;
        this.store = store;
        this.viewers = viewers;
        this.statuses = statuses;
        this.acks = acks;
    }

    @Override
    public CompletionStage<Void> take(KioskMessage message) {
        return switch (message) {
            case Measurement m -> forwardIfStored(store.append(m), m);
            case WaveformBatch w -> forwardIfStored(store.append(w), w);
            case KioskStatus s -> {
                statuses.accept(s);
                acks.status(s);
                forward(s);
                yield CompletableFuture.completedFuture(null);
            }
            case CommandUpdate u -> commands.apply(u);
            case Presence p -> presence.apply(p);
        };
    }

    /**
     * Keeps a refused payload (the store's refused readings), audits it, and marks its kiosk so that the next
     * store-ack names it and moves past it.
     */
    @Override
    public CompletionStage<Void> refuse(RefusedReading refusal) {
        return store.refuse(refusal).thenAccept(outcome -> {
            acks.stored(refusal.kiosk(), true);
            record(AuditAction.READING_REFUSED, refusal.kiosk(), refusal.seq(),
                    refusal.reason() + ": " + refusal.detail());
        });
    }

    private void record(AuditAction action, KioskId kiosk, long seq,
            String detail) {
        try {
            audit.accept(new AuditEvent(clock.instant(),
                    AuditActor.kiosk(kiosk.value()), action, "seq " + seq, detail));
        } catch (RuntimeException e) {
            LOG.error("Auditing {} of kiosk {} seq {} failed", action, kiosk, seq, e);
        }
    }

    private CompletionStage<Void> forwardIfStored(CompletableFuture<AppendOutcome> stored, KioskMessage message) {
        return stored.thenAccept(outcome -> {
            acks.stored(message.kiosk(), outcome != AppendOutcome.STORED);
            if (outcome == AppendOutcome.CONFLICT) {
                record(AuditAction.READING_CONFLICT, message.kiosk(), seqOf(message),
                        "a reading came under a number already stored with other content; kept aside");
            }
            if (outcome == AppendOutcome.STORED) {
                forward(message);
            }
        });
    }


    private static long seqOf(KioskMessage message) {
        return switch (message) {
            case Measurement m -> m.seq();
            case WaveformBatch w -> w.seq();
            case KioskStatus s -> 0;
            case CommandUpdate u -> 0;
            case Presence p -> 0;
        };
    }

    private void forward(KioskMessage message) {
        try {
            viewers.accept(message);
        } catch (RuntimeException e) {
            // The reading is stored; a failure to show it must not hold back its acknowledgement.
            LOG.error("Forwarding a {} to the viewers failed", message.getClass().getSimpleName(), e);
        }
    }
}

package org.telekiosk.broker.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.command.SqlCommandRepository;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.telemetry.MqttMeasurementSubscriber;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.topic.Topics;

/**
 * The measurement commands' wiring: the {@link CommandService} on the SQL store, publishing through the
 * broker's MQTT client, its periodic {@link CommandService#tick() tick} (expiry, sending again) on a thread of its
 * own, and the intake's hand-over of kiosks' reports to the API's executor (SQL never runs on the MQTT thread).
 */
final class Commands implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    /** How often commands are checked for expiry and publishing. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final CommandService service;
    private final Executor blocking;
    private final ScheduledExecutorService ticker;

    private Commands(CommandService service, Executor blocking) {
        this.service = service;
        this.blocking = blocking;
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("commands").daemon().factory());
    }

    /** @param downlink the broker's MQTT client, once made (null before) */
    static Commands start(ConsultationService consultations, SqlAccess sql, Supplier<MqttMeasurementSubscriber> downlink,
            AuditLog audit, Executor blocking, Clock clock) {
        WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        CommandService.Publisher publisher = (command, expiry) -> {
            MqttMeasurementSubscriber client = downlink.get();
            return client == null
                    ? CompletableFuture.failedFuture(new IllegalStateException("no MQTT client yet"))
                    : client.publishExpiring(Topics.commands(command.kiosk()), cbor.encode(command),
                            expiry.toSeconds());
        };
        Commands commands = new Commands(new CommandService(consultations, new SqlCommandRepository(sql), publisher,
                audit, blocking, clock), blocking);
        commands.ticker.scheduleWithFixedDelay(commands::tick, TICK.toMillis(), TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        return commands;
    }

    CommandService service() {
        return service;
    }

    /** Keeps a kiosk's report off the calling (MQTT) thread; completes when it is kept. */
    CompletionStage<Void> report(CommandUpdate update) {
        return CompletableFuture.runAsync(() -> service.report(update), blocking);
    }

    private void tick() {
        try {
            service.tick();
        } catch (RuntimeException e) {
            LOG.warn("Checking measurement commands failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}

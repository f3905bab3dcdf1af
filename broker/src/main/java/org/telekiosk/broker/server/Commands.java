package org.telekiosk.broker.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.command.CommandRecord;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.command.MqttCommandPublisher;
import org.telekiosk.broker.command.SqlCommandRepository;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The commands module: the {@link CommandService} on the SQL store, publishing through the broker's MQTT client
 * ({@link MqttCommandPublisher}), every stored state told to the viewers that see the kiosk (on every node, with an
 * external MQTT broker: {@code Telemetry#commandChanged}), its periodic
 * {@link CommandService#tick() tick} (expiry, sending again) on a thread of its own, and the intake's hand-over of
 * kiosks' reports to the API's executor (SQL never runs on the MQTT thread).
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

    static Commands start(ConsultationService consultations, SqlAccess sql, BrokerMqttClient client,
            AuditLog audit, java.util.function.Consumer<ViewerEvent.CommandChanged> viewers, Executor blocking,
            Clock clock) {
        Commands commands = new Commands(new CommandService(consultations, new SqlCommandRepository(sql),
                new MqttCommandPublisher(client), audit, blocking, clock), blocking);
        commands.service.onChange(record -> viewers.accept(changed(record)));
        commands.ticker.scheduleWithFixedDelay(commands::tick, TICK.toMillis(), TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        return commands;
    }

    private static ViewerEvent.CommandChanged changed(CommandRecord record) {
        return new ViewerEvent.CommandChanged(record.kiosk(), record.id(),
                record.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                record.status().name().toLowerCase(Locale.ROOT), record.seconds(), record.reason(),
                record.updatedAt());
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

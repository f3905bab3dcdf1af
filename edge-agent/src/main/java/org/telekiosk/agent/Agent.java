package org.telekiosk.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.command.CommandActions;
import org.telekiosk.agent.command.CommandExecutor;
import org.telekiosk.agent.command.SamplerActions;
import org.telekiosk.agent.command.UpdateSender;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.enrollment.CertificateRenewer;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.health.StatusReporter;
import org.telekiosk.agent.kioskpage.KioskPageOpener;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.agent.sampling.ReadingOutlet;
import org.telekiosk.agent.sampling.Sampler;
import org.telekiosk.agent.sampling.Timeline;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.update.AgentUpdater;
import org.telekiosk.agent.update.UpdateClient;
import org.telekiosk.agent.uplink.PahoUplink;
import org.telekiosk.protocol.update.DebPackage;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.agent.uplink.UplinkStatus;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;

/**
 * The composition root of a running agent: sensors → sampler (per-sensor schedules, readings numbered by the
 * {@link ReadingOutlet} from the on-disk {@link Outbox}) → outbox sender → MQTT uplink, and beside it the sensor
 * health board, whose changes and a once-a-second tick make the {@link StatusReporter} send {@link KioskStatus}
 * messages through the same sender. Started in the order that loses nothing (the sender listens for commits and
 * reconnects before the uplink connects) and stopped in reverse: the outbox commits what is queued before it closes. Used by {@link AgentMain} and by the system tests, which run an agent in-process against a real broker.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** How often the certificate is checked for renewal (it renews at two thirds of its lifetime). */
    static final Duration RENEWAL_CHECK = Duration.ofHours(1);
    /** How often the broker is asked for a newer agent package. */
    static final Duration UPDATE_CHECK = Duration.ofHours(1);
    /**
     * This agent's version in Debian form, from the jar's manifest (the Maven version the package was built with);
     * {@code 0~dev} when run from classes (it then takes any offered package).
     */
    public static final DebianVersion RUNNING_VERSION = DebianVersion.fromMaven(java.util.Optional.ofNullable(
            Agent.class.getPackage().getImplementationVersion()).orElse("0~dev"));
    /** How long the first status waits for every sensor's probe. */
    static final Duration PROBE_GRACE = Duration.ofSeconds(10);

    private final PahoUplink uplink;
    private final Outbox outbox;
    private final OutboxSender sender;
    private final Sampler sampler;
    private final SensorHealthBoard health;
    private final ScheduledExecutorService statusThread;
    private final CertificateRenewer renewer;
    private final ScheduledExecutorService renewalThread;
    private final CommandExecutor commands;

    private Agent(PahoUplink uplink, Outbox outbox, OutboxSender sender, Sampler sampler, SensorHealthBoard health,
            ScheduledExecutorService statusThread, CertificateRenewer renewer, ScheduledExecutorService renewalThread,
            CommandExecutor commands) {
        this.commands = commands;
        this.renewer = renewer;
        this.renewalThread = renewalThread;
        this.uplink = uplink;
        this.outbox = outbox;
        this.sender = sender;
        this.sampler = sampler;
        this.health = health;
        this.statusThread = statusThread;
    }

    /** Starts reading spot {@code sensors} every {@code sampling.interval}: the walking skeleton's kiosk. */
    public static Agent start(AgentConfig config, List<ScalarSensor> sensors, Clock clock) throws IOException {
        return start(config, FittedSensors.spotOnly(sensors, config.samplingInterval()), clock, System::nanoTime);
    }

    /**
     * Starts sampling {@code sensors} on their schedules and forwarding to the broker of {@code config}; returns at
     * once.
     *
     * @param clock    read once, at start, to map {@code nanoTime} to wall time; and for status times
     * @param nanoTime the monotonic clock readings are stamped with ({@code System::nanoTime})
     */
    public static Agent start(AgentConfig config, FittedSensors sensors, Clock clock, LongSupplier nanoTime)
            throws IOException {
        Files.createDirectories(config.dataDir());
        Outbox outbox = Outbox.open(config.outbox(), clock);
        outbox.numberFrom(config.sequenceNext());
        PahoUplink uplink = new PahoUplink(config.uplink(), config.reconnectPolicy(RandomGenerator.getDefault()));
        OutboxSender sender = new OutboxSender(outbox, uplink, config.outbox(), nanoTime);
        sender.start();
        // Measurement commands: reports go out through their own queue, sent again after each reconnect.
        UpdateSender updates = new UpdateSender(uplink::publish);
        uplink.addConnectedListener(updates::connected);
        // A command that arrives before the sampler runs waits for it on the command worker.
        CompletableFuture<CommandActions> actions = new CompletableFuture<>();
        CommandExecutor commands = new CommandExecutor(config.kioskId(),
                (kind, seconds) -> actions.join().run(kind, seconds), updates::send, clock);
        uplink.addCommandListener(commands::accept);
        uplink.start();

        ScheduledExecutorService statusThread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("telekiosk-status").daemon().factory());
        StatusReporter[] reporter = new StatusReporter[1];
        SensorHealthBoard health = new SensorHealthBoard(sensors.ids(), () -> {
            try {
                statusThread.execute(() -> reporter[0].healthChanged());
            } catch (RejectedExecutionException e) {
                LOG.debug("Agent stopping; a sensor's change is not reported");
            }
        });
        reporter[0] = new StatusReporter(config.kioskId(), health, sender::status, clock,
                config.sensors().statusInterval(), PROBE_GRACE, sender::publishStatus);
        statusThread.scheduleAtFixedRate(reporter[0]::tick, 1, 1, TimeUnit.SECONDS);

        ReadingOutlet outlet = new ReadingOutlet(config.kioskId(), outbox);
        Sampler sampler = new Sampler(sensors, outlet, health, Timeline.start(clock, nanoTime));
        sampler.start();
        actions.complete(new SamplerActions(sampler, outlet, health));
        LOG.info("Kiosk {} measuring {}, sending to {}", config.kioskId(),
                sensors.ids().stream().map(id -> id.value()).toList(), config.mqttUri());
        CertificateRenewer renewer = null;
        ScheduledExecutorService renewalThread = null;
        if (config.renewalUrl() != null && CertificateRenewer.applies(config.mqttIdentity())) {
            renewer = new CertificateRenewer(config.kioskId(), config.mqttIdentity(), config.mqttCaFile(),
                    config.renewalUrl(), clock, new java.security.SecureRandom());
            renewalThread = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("telekiosk-renewal").daemon().factory());
            renewer.schedule(renewalThread, RENEWAL_CHECK);
            AgentUpdater updater = new AgentUpdater(new UpdateClient(config.mqttIdentity(), config.mqttCaFile(),
                    config.renewalUrl()), config.mqttIdentity().certificateFile().toAbsolutePath().getParent(),
                    RUNNING_VERSION, DebPackage.machineArchitecture(), commands::busy);
            // Healthy once connected to the broker: what the root installer waits for after an update.
            ScheduledExecutorService updateThread = renewalThread;
            uplink.addConnectedListener(() -> {
                try {
                    updateThread.execute(updater::healthy);
                } catch (RejectedExecutionException e) {
                    LOG.debug("Agent stopping; not marked healthy");
                }
            });
            if (uplink.isConnected()) {
                updateThread.execute(updater::healthy);
            }
            updater.schedule(renewalThread, UPDATE_CHECK);
        }
        KioskPageOpener.openIfConfigured(config);
        return new Agent(uplink, outbox, sender, sampler, health, statusThread, renewer, renewalThread, commands);
    }

    /**
     * Takes a blood-pressure measurement now; for the command handler. The four measurements (systolic, diastolic,
     * mean, pulse) are sent as any reading and also complete the future; it fails with the driver's exception.
     */
    public CompletableFuture<List<Measurement>> measureBloodPressure() {
        return sampler.measureBloodPressure();
    }

    /** Every configured sensor's health, as the next status will say. */
    public List<SensorHealth> sensorHealth() {
        return health.snapshot();
    }

    /** What the outbox holds and has dropped, and what was acknowledged. */
    public OutboxSender.Status outboxStatus() {
        return sender.status();
    }

    public UplinkStatus uplinkStatus() {
        return uplink.status();
    }

    /** The certificate renewer, if the kiosk has a certificate and a renewal URL. */
    public java.util.Optional<CertificateRenewer> renewer() {
        return java.util.Optional.ofNullable(renewer);
    }

    @Override
    public void close() {
        if (renewalThread != null) {
            renewalThread.shutdownNow();
        }
        commands.close();
        sampler.close();
        statusThread.shutdownNow();
        sender.close();
        uplink.close();
        outbox.close();
    }
}

package org.telekiosk.broker.server;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.command.CommandService;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.kiosk.KioskPresence;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.mqtt.EmbeddedMqttBroker;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.signaling.RungListener;

/**
 * A running broker, the composition root's face: starts the modules ({@link Modules}: one per feature, wired in
 * order: storage, access, the embedded MQTT broker and the broker's client to it, telemetry, kiosk trust, commands,
 * signaling, metrics, HTTPS), owns their {@link Lifecycle} and closes them in reverse, and hands out what the
 * commands and tests use. Used by {@code BrokerMain} and by the tests, which start it on free ports.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Lifecycle parts;
    private final Modules m;
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

    private Broker(BrokerConfig config, Lifecycle parts, Modules modules) {
        this.config = config;
        this.parts = parts;
        this.m = modules;
    }

    /**
     * Starts a broker. Blocking (key generation, disk, the embedded MQTT broker's start); returns once every
     * listener is up. Should a part fail to start, those started before it are closed again.
     *
     * @param environment the process environment; only {@link KeystorePassword#ENV}, {@code CREDENTIALS_DIRECTORY}
     *                    (systemd credentials, {@link KeystorePassword}) and {@link StoreDatabase#PASSWORD_ENV} are
     *                    read from it (and the TURN secret's variable)
     */
    public static Broker start(BrokerConfig config, Clock clock, Map<String, String> environment)
            throws IOException, GeneralSecurityException, InterruptedException {
        org.telekiosk.broker.pki.Renegotiation.refuseClientInitiated();
        Lifecycle parts = new Lifecycle();
        try {
            Modules modules = Modules.start(config, clock, environment, parts);
            LOG.info("Broker listening on https://{}:{}/ (MQTT over TLS on port {}); started in {}",
                    config.httpsBindAddress(), modules.https().port(), modules.mqtt().port(), parts.startTimes());
            return new Broker(config.withPorts(modules.https().port(), modules.mqtt().external() ? config.mqttPort()
                    : modules.mqtt().port()), parts, modules);
        } catch (IOException | GeneralSecurityException | InterruptedException | RuntimeException e) {
            parts.closeAfter(e);
            throw e;
        }
    }

    public BrokerConfig config() {
        return config;
    }

    public int httpsPort() {
        return m.https().port();
    }

    public int mqttPort() {
        return m.mqtt().port();
    }

    /** The transport the HTTPS listener's event loops run on: {@code https.transport} as it came to here. */
    public org.telekiosk.broker.config.NettyTransport httpsTransport() {
        return m.https().transport();
    }

    /** The page a doctor opens. */
    public URI url() {
        return URI.create("https://localhost:" + m.https().port() + "/");
    }

    /** Where kiosks reach the MQTT broker. */
    public URI mqttUri() {
        return URI.create(Telemetry.uri(config, m.mqtt().port()));
    }

    public BrokerPki pki() {
        return m.keys().pki();
    }

    /** The kiosks, their tokens and revoked certificates (shared through the database). */
    public KioskRegistry kiosks() {
        return m.keys().registry();
    }

    /** Which kiosks are online on any broker node of this database. */
    public KioskPresence presence() {
        return m.trust().presence();
    }

    /** Enrollment tokens, enrollment, renewal and revocation. */
    public EnrollmentService enrollment() {
        return m.trust().enrollment();
    }

    /** What each kiosk's agent last reported of its version and updates (the fleet view's {@code agent}). */
    public org.telekiosk.broker.kiosk.AgentVersions agentVersions() {
        return m.trust().agentVersions();
    }

    /** The kiosk events' audit log: table {@code audit_event}, written by one thread. */
    public AuditLog audit() {
        return m.storage().audit();
    }

    public MeasurementIntake intake() {
        return m.telemetry().intake();
    }

    public MeasurementStore store() {
        return m.storage().store();
    }

    public ViewerHub viewers() {
        return m.telemetry().hub();
    }

    /** Each kiosk's latest status (the fleet view's, {@code /healthz}'s). */
    public org.telekiosk.broker.telemetry.KioskStatusBoard statuses() {
        return m.telemetry().statuses();
    }

    /** The sweep over what the node keeps per kiosk in memory. */
    KioskStateSweep kioskState() {
        return m.sweep();
    }

    /** The broker's MQTT client: the measurement subscription and the downlink publishes. */
    public BrokerMqttClient subscriber() {
        return m.client();
    }

    /** Measurements acknowledged to the MQTT broker after being taken care of, over all intake connections. */
    public long intakeAcknowledged() {
        return m.telemetry().intakeAcknowledged();
    }

    /** Measurements acknowledged per intake connection ({@code mqtt.intake-connections}), the first one first. */
    public java.util.List<Long> intakeAcknowledgedEach() {
        return m.telemetry().intakeAcknowledgedEach();
    }

    /**
     * With {@code mqtt.intake=in-process}, the interceptor that takes the kiosks' publishes inside the embedded MQTT
     * broker and acknowledges each after its commit; empty with the shared subscription.
     */
    public Optional<org.telekiosk.broker.mqtt.InProcessIntake> inProcessIntake() {
        return m.telemetry().inProcess();
    }

    /** Reconnects of the intake connections because of a stall of the shared subscription since start. */
    public long intakeStallRestarts() {
        return m.telemetry().intakeStallRestarts();
    }

    /**
     * Messages of revoked kiosks the intake dropped since start: a revoked kiosk that an external MQTT broker still lets
     * in (its CRL predates the revocation) publishes to no effect.
     */
    public long revokedKioskMessagesDropped() {
        return m.telemetry().revokedKioskMessagesDropped();
    }

    /** The fewest stall-watch checks any intake connection made since start. */
    public long intakeStallChecks() {
        return m.telemetry().intakeStallChecks();
    }

    public EmbeddedMqttBroker mqtt() {
        if (!(m.mqtt() instanceof EmbeddedMqttBroker embedded)) {
            throw new IllegalStateException("this node uses an external MQTT broker (mqtt.external-host)");
        }
        return embedded;
    }

    /** The measurement commands (blocking: call them off the event loop). */
    public CommandService commands() {
        return m.commands().service();
    }

    /** The account and consultation services (blocking: call them off the event loop). */
    public AccessServices access() {
        return m.access();
    }

    /**
     * Tells {@code listener} of every rung change of a call's degradation ladder relayed from now on (the doctor's
     * page's {@code quality}): consultation, role, rung, reason, pinned, time. See {@link RungListener}.
     */
    public void watchRungs(RungListener listener) {
        m.signaling().service().watchRungs(listener);
    }

    /** Where Prometheus scrapes this broker ({@code metrics.bind}, {@code metrics.port}), if anywhere. */
    public Optional<URI> metricsUrl() {
        return m.metrics().url();
    }

    /** Every intake connection subscribed ({@code mqtt.intake-connections}): what {@code /healthz} calls up. */
    public boolean isReady() {
        return m.telemetry().allSubscribed();
    }

    /**
     * Dies as closely as one JVM allows to {@code kill -9} (tests of a node's death, issue 17): the heartbeat stops
     * without the node unregistering, the signaling relay and sweeper stop without a word to the other nodes, and
     * every HTTPS and WebSocket connection is dropped without a close frame. Not covered: the embedded MQTT broker and
     * the database connections stay until {@link #close} (a killed process loses them at once), and nothing here is
     * abrupt at the TCP level (the kernel of a killed process closes its sockets alike). Call {@link #close} after.
     */
    public void halt() {
        LOG.warn("Halting this broker node as if killed (a test of a node's death)");
        m.trust().halt();
        m.signaling().halt();
        m.https().halt();
    }

    /** How long a drain waits, at most, for each of its steps (close frames, the relay, the intake). */
    static final Duration DRAIN_STEP = Duration.ofSeconds(3);

    /**
     * Drains this node (issue 17) before a stop: what {@code BrokerMain} does on SIGTERM ({@code systemctl stop} or
     * {@code restart}), before {@link #close}. In order: {@code /readyz} answers 503 ({@code "draining"}) and the HTTPS
     * listener stops accepting (a balancer sends new connections elsewhere); the node unregisters from
     * {@code broker_node} (the other nodes count it gone at once: they take over its rooms and close what they relay
     * to it, without waiting for a stale heartbeat); its signaling rooms are handed over (seats marked dropped, every
     * socket closed with 1012 so that the pages resume on another node, which rebuilds the room from the seats: both
     * parties back in the call without re-admission); every other vitals and signaling socket is closed with 1012;
     * the relay sends what it queued; the intake stops taking messages and waits until what it took is stored and
     * acknowledged. Each wait is bounded ({@link #DRAIN_STEP}). Blocking; never on an event loop. The node stays in
     * this state (answering open HTTP connections, its embedded MQTT broker up) until {@link #close}.
     */
    public void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        LOG.info("Draining this broker node: out of rotation, sockets moved to other nodes");
        step("stop accepting", () -> m.https().stopAccepting());
        step("unregister the node", () -> m.trust().unregister());
        step("hand the signaling rooms over", () -> m.signaling().handOver());
        step("move the sockets", () -> m.https().moveSockets(DRAIN_STEP));
        step("send the relay's queue", () -> m.signaling().flush(DRAIN_STEP));
        step("finish the intake", () -> {
            if (!m.telemetry().stopIntake(DRAIN_STEP)) {
                LOG.warn("Drain: some readings taken were not stored and acknowledged in time; the MQTT broker sends"
                        + " them again (the store keeps each once)");
            }
        });
        LOG.info("Drained in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** One step of the drain: a failure (the database gone, say) is logged and the drain goes on; the stop follows. */
    private static void step(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("Drain: could not {}: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        parts.close();
        LOG.info("Broker stopped in {}", parts.stopTimes());
    }
}

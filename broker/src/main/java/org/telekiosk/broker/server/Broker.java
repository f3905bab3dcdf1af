package org.telekiosk.broker.server;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
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

    private Broker(BrokerConfig config, Lifecycle parts, Modules modules) {
        this.config = config;
        this.parts = parts;
        this.m = modules;
    }

    /**
     * Starts a broker. Blocking (key generation, disk, the embedded MQTT broker's start); returns once every
     * listener is up. Should a part fail to start, those started before it are closed again.
     *
     * @param environment the process environment; only {@link KeystorePassword#ENV} and
     *                    {@link StoreDatabase#PASSWORD_ENV} are read from it (and the TURN secret's variable)
     */
    public static Broker start(BrokerConfig config, Clock clock, Map<String, String> environment)
            throws IOException, GeneralSecurityException, InterruptedException {
        org.telekiosk.broker.pki.Renegotiation.refuseClientInitiated();
        Lifecycle parts = new Lifecycle();
        try {
            Modules modules = Modules.start(config, clock, environment, parts);
            LOG.info("Broker listening on https://{}:{}/ (MQTT over TLS on port {})", config.httpsBindAddress(),
                    modules.https().port(), modules.mqtt().port());
            return new Broker(config.withPorts(modules.https().port(), modules.mqtt().port()), parts, modules);
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

    /** The page a doctor opens. */
    public URI url() {
        return URI.create("https://localhost:" + m.https().port() + "/");
    }

    /** Where kiosks reach the MQTT broker. */
    public URI mqttUri() {
        return URI.create("ssl://" + Telemetry.localAddress(config.mqttBindAddress()) + ":" + m.mqtt().port());
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

    /** Reconnects of the intake connections because of a stall of the shared subscription since start. */
    public long intakeStallRestarts() {
        return m.telemetry().intakeStallRestarts();
    }

    /** The fewest stall-watch checks any intake connection made since start. */
    public long intakeStallChecks() {
        return m.telemetry().intakeStallChecks();
    }

    public EmbeddedMqttBroker mqtt() {
        return m.mqtt();
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

    @Override
    public void close() {
        parts.close();
        LOG.info("Broker stopped");
    }
}

package org.telekiosk.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.sampling.Forwarder;
import org.telekiosk.agent.sampling.Sampler;
import org.telekiosk.agent.sampling.SequenceCounter;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.uplink.PahoUplink;
import org.telekiosk.agent.uplink.UplinkStatus;

/**
 * The composition root of a running agent: sensors → sampler → forwarder → MQTT uplink, started in the order that
 * loses nothing (the forwarder listens for reconnects before the uplink connects) and stopped in reverse. Used by
 * {@link AgentMain} and by the system tests, which run an agent in-process against a real broker.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final PahoUplink uplink;
    private final Forwarder forwarder;
    private final Sampler sampler;

    private Agent(PahoUplink uplink, Forwarder forwarder, Sampler sampler) {
        this.uplink = uplink;
        this.forwarder = forwarder;
        this.sampler = sampler;
    }

    /** Starts sampling {@code sensors} and forwarding to the broker of {@code config}; returns at once. */
    public static Agent start(AgentConfig config, List<ScalarSensor> sensors, Clock clock) throws IOException {
        Files.createDirectories(config.dataDir());
        SequenceCounter sequence = SequenceCounter.open(config.dataDir());
        PahoUplink uplink = new PahoUplink(config.uplink(), config.reconnectPolicy(RandomGenerator.getDefault()));
        Forwarder forwarder = new Forwarder(uplink, config.forwarderCapacity(), config.forwarderRetryDelay());
        forwarder.start();
        uplink.start();
        Sampler sampler = new Sampler(config.kioskId(), sensors, config.samplingInterval(), sequence, clock,
                forwarder::offer);
        sampler.start();
        LOG.info("Kiosk {} measuring {} every {}, sending to {} (next sequence number {})", config.kioskId(),
                sensors.stream().map(s -> s.id().value()).toList(), config.samplingInterval().toMillis() + " ms", config.mqttUri(),
                sequence.last() + 1);
        return new Agent(uplink, forwarder, sampler);
    }

    public Forwarder.Status forwarderStatus() {
        return forwarder.status();
    }

    public UplinkStatus uplinkStatus() {
        return uplink.status();
    }

    @Override
    public void close() {
        sampler.close();
        forwarder.close();
        uplink.close();
    }
}

package org.telekiosk.hardware.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.link.netns.RateFollower;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.profile.LinkSchedule;
import org.telekiosk.link.relay.Link;
import org.telekiosk.link.relay.TcpRelay;
import org.telekiosk.link.relay.Ticker;

/**
 * A kiosk on an emulated rural link: its own network namespace (veth to this host, tbf rates), the impairment relay
 * on the host end in front of the broker's MQTT port, and the broker's name ({@link #BROKER_NAME}, which the
 * broker's certificate must cover: {@link #brokerConfig()}) resolving to the host end inside the namespace. The
 * agent runs inside ({@link #startAgent}). {@link #close()} deletes the namespace; call it in a finally.
 */
final class KioskOnLink implements AutoCloseable {
    static final String BROKER_NAME = "broker.link.test";

    private final VethLink veth;
    private final Link link;
    private final RateFollower rates;
    private final TcpRelay mqtt;

    private KioskOnLink(VethLink veth, Link link, RateFollower rates, TcpRelay mqtt) {
        this.veth = veth;
        this.link = link;
        this.rates = rates;
        this.mqtt = mqtt;
    }

    /** The broker's configuration for kiosks on a link: its certificate also covers {@link #BROKER_NAME}. */
    static Map<String, String> brokerConfig() {
        return Map.of("https.host-names", "localhost,127.0.0.1," + BROKER_NAME);
    }

    static KioskOnLink open(BrokerExtension broker, LinkSchedule schedule, long seed) throws IOException {
        VethLink veth = VethLink.create();
        RateFollower rates = null;
        try {
            veth.hosts(Map.of(BROKER_NAME, veth.hostAddress()));
            Link link = new Link(schedule, Ticker.SYSTEM);
            rates = new RateFollower(link, veth);
            TcpRelay mqtt = new TcpRelay(new InetSocketAddress(veth.hostAddress(), 0),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.broker().mqttPort()), link, seed);
            return new KioskOnLink(veth, link, rates, mqtt);
        } catch (IOException | RuntimeException e) {
            if (rates != null) {
                closeQuietly(rates);
            }
            veth.close();
            throw e;
        }
    }

    Link link() {
        return link;
    }

    TcpRelay relay() {
        return mqtt;
    }

    String namespace() {
        return veth.namespace();
    }

    /** Points the kiosk's MQTT at the relay, under the broker's name. */
    void pointAgent(Path kioskDir, int brokerMqttPort) throws IOException {
        Path config = kioskDir.resolve("agent.properties");
        Files.writeString(config, Files.readString(config).replace("ssl://localhost:" + brokerMqttPort,
                "ssl://" + BROKER_NAME + ":" + mqtt.port()));
    }

    /** The agent (simulated sensors) as a process inside the kiosk's namespace. */
    AgentProcess startAgent(Path kioskDir) throws IOException {
        return AgentProcess.start(kioskDir, veth.command(List.of()));
    }

    @Override
    public void close() {
        try {
            closeQuietly(mqtt);
            closeQuietly(rates);
        } finally {
            veth.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("closing " + closeable + ": " + e);
        }
    }
}

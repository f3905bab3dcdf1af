package org.telekiosk.broker.mqtt;

import java.util.Set;
import org.telekiosk.protocol.KioskId;

/**
 * The MQTT broker the kiosks connect to, as the rest of the node sees it: the embedded HiveMQ
 * ({@link EmbeddedMqttBroker}, the one-machine default) or an external MQTT 5 broker or cluster shared by every node
 * ({@link ExternalMqttBroker}, docs/scale-out.md). Never blocks unless a method says so.
 */
public interface KioskMqttBroker extends AutoCloseable {
    /** The host name kiosks are told to connect to (enrollment answers); empty: the node's public host name. */
    default String kioskHost() {
        return "";
    }

    /** The port kiosks connect to. */
    int port();

    /** Whether this is an external MQTT broker shared by the nodes. */
    default boolean external() {
        return false;
    }

    /**
     * The interceptor taking the kiosks' publishes inside the MQTT broker ({@code mqtt.intake=in-process}, embedded
     * only); empty when they come through the shared subscription.
     */
    default java.util.Optional<InProcessIntake> inProcessIntake() {
        return java.util.Optional.empty();
    }

    /** Ends what the MQTT broker holds of a revoked kiosk, as far as this node can. Blocking, bounded. */
    void revokedAndWait(KioskId kiosk);

    /** Whether {@code kiosk} has an MQTT connection to this node's MQTT broker now, as far as the node knows. */
    boolean isConnected(KioskId kiosk);

    /** The kiosks this node knows to be connected now. */
    Set<KioskId> connectedKiosks();

    /** Authenticated MQTT clients connected now, as far as the node knows. */
    int connectedClients();

    long refusedConnections();

    MqttTlsRefusals tlsRefusals();

    /** Kiosk publishes routed to the shared subscription since start, or -1 when the node cannot know it. */
    long kioskPublishesRouted();

    long incomingPublishes();

    long overQuota(KioskId kiosk);

    long overQuotaTotal();

    long droppedMessages();

    /** What this node keeps per kiosk in memory for the MQTT broker, for the node's sweep; none for an external one. */
    default java.util.List<org.telekiosk.broker.kiosk.PerKioskState> kioskState() {
        return java.util.List.of();
    }

    @Override
    void close();
}

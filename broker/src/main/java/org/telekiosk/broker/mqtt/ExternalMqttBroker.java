package org.telekiosk.broker.mqtt;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;

/**
 * An external MQTT 5 broker or cluster (EMQX, HiveMQ, VerneMQ; Mosquitto in the tests) that every node shares
 * ({@code mqtt.external-host}, docs/scale-out.md). The node starts no MQTT broker of its own and holds nothing of it:
 * authentication of kiosks (mutual TLS with the Telekiosk CA and its CRL), their topic rules (the generated ACLs),
 * publish quotas and queue limits are the external broker's, and so are its figures, which this node does not see
 * (its counts here stay 0). A revocation reaches it through the CRL the operator installs there
 * ({@code mosquitto-config --crl-only}); the node cannot end the kiosk's session there.
 */
public final class ExternalMqttBroker implements KioskMqttBroker {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalMqttBroker.class);

    private final String host;
    private final int port;
    private final MqttTlsRefusals tlsRefusals = MqttTlsRefusals.none();

    public ExternalMqttBroker(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public String kioskHost() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean external() {
        return true;
    }

    @Override
    public void revokedAndWait(KioskId kiosk) {
        LOG.info("Kiosk {} revoked: the external MQTT broker refuses it once it has the new CRL (docs/scale-out.md); "
                + "its session there is not removed by the node", kiosk);
    }

    @Override
    public boolean isConnected(KioskId kiosk) {
        return false;
    }

    @Override
    public Set<KioskId> connectedKiosks() {
        return Set.of();
    }

    @Override
    public int connectedClients() {
        return 0;
    }

    @Override
    public long refusedConnections() {
        return 0;
    }

    @Override
    public MqttTlsRefusals tlsRefusals() {
        return tlsRefusals;
    }

    @Override
    public long kioskPublishesRouted() {
        return -1;
    }

    @Override
    public long incomingPublishes() {
        return 0;
    }

    @Override
    public long overQuota(KioskId kiosk) {
        return 0;
    }

    @Override
    public long overQuotaTotal() {
        return 0;
    }

    @Override
    public long droppedMessages() {
        return 0;
    }

    @Override
    public void close() {
        // Nothing of the external broker is this node's to stop.
    }
}

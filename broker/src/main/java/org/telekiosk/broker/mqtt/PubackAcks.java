package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.packets.general.UserProperty;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.AckNegotiation;

/**
 * The negotiation that makes a kiosk's PUBACK its store acknowledgement (protocol/README.md, "PUBACK as the store
 * acknowledgement", issue 16). Offered only with the {@link InProcessIntake} ({@code mqtt.intake=in-process}), whose
 * PUBACK is sent after the store's commit, and while {@code mqtt.puback-store-ack} is on: a kiosk whose CONNECT
 * carries the user property {@value AckNegotiation#NAME} = {@value AckNegotiation#PUBACK} gets the same pair in its
 * CONNACK ({@link #negotiate}, called by the authenticator for a kiosk it lets in), and its connection is marked in
 * HiveMQ's connection attribute store, which lives and dies with the connection. Then the in-process intake answers
 * its refused readings {@code 0x99} instead of {@code 0x00}, and the store acknowledgements leave its readings out
 * ({@link #acknowledgesByPuback}: the kiosk deleted them on their PUBACKs).
 *
 * <p>Per kiosk it counts the negotiated connections (a session takeover reports the new connection before the old
 * one's disconnect, as {@link ConnectedClients} handles), so that a kiosk counts as negotiated exactly while one of
 * its connections is. Never blocks; HiveMQ's threads.
 */
public final class PubackAcks {
    /** The connection attribute that marks a negotiated connection. */
    static final String ATTRIBUTE = "telekiosk.ack";

    private final boolean offered;
    private final Map<KioskId, Integer> negotiated = new ConcurrentHashMap<>();
    private final LongAdder granted = new LongAdder();
    private volatile java.util.function.Consumer<KioskId> ended = kiosk -> { };

    /** @param offered whether kiosks may negotiate (the in-process intake and {@code mqtt.puback-store-ack}) */
    PubackAcks(boolean offered) {
        this.offered = offered;
    }

    /** Not offered: every kiosk's PUBACK means only "the MQTT broker took it". */
    static PubackAcks off() {
        return new PubackAcks(false);
    }

    /** Answers the kiosk's request in its CONNACK and marks the connection, if it asked and this node offers it. */
    void negotiate(SimpleAuthInput input, SimpleAuthOutput output) {
        if (!offered) {
            return;
        }
        boolean asked = false;
        for (UserProperty property : input.getConnectPacket().getUserProperties().asList()) {
            asked |= AckNegotiation.isPubackAck(property.getName(), property.getValue());
        }
        if (asked) {
            output.getOutboundUserProperties().addUserProperty(AckNegotiation.NAME, AckNegotiation.PUBACK);
            input.getConnectionInformation().getConnectionAttributeStore()
                    .putAsString(ATTRIBUTE, AckNegotiation.PUBACK);
            granted.increment();
        }
    }

    /** Whether this connection negotiated (its PUBACK 0x00 on a reading means "stored"). */
    boolean negotiated(ConnectionInformation connection) {
        return offered && connection.getConnectionAttributeStore().getAsString(ATTRIBUTE).isPresent();
    }

    /** A connection was let in (HiveMQ's lifecycle event). */
    void connected(String clientId, ConnectionInformation connection) {
        if (negotiated(connection)) {
            MqttAuthenticator.kioskOf(clientId).ifPresent(k -> negotiated.merge(k, 1, Integer::sum));
        }
    }

    /** A connection that was let in ended. */
    void disconnected(String clientId, ConnectionInformation connection) {
        if (negotiated(connection)) {
            MqttAuthenticator.kioskOf(clientId).ifPresent(k -> {
                negotiated.computeIfPresent(k, (id, n) -> n > 1 ? n - 1 : null);
                ended.accept(k);
            });
        }
    }

    /**
     * Tells {@code listener} of every negotiated connection that ended (the store acknowledgements publish the kiosk's
     * current one then, so that the retained one its next connection gets is current: PUBACKs lost in a cut are not
     * sent again). Set once, before kiosks connect; it must not block (HiveMQ's thread).
     */
    public void onEnded(java.util.function.Consumer<KioskId> listener) {
        this.ended = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Whether {@code kiosk} is connected with the negotiated mode now: its readings were acknowledged by their PUBACKs,
     * so the store acknowledgements need not name them (its status and what it refused still get one).
     */
    public boolean acknowledgesByPuback(KioskId kiosk) {
        return negotiated.containsKey(kiosk);
    }

    /** Connections that negotiated since start. */
    public long grantedCount() {
        return granted.sum();
    }
}

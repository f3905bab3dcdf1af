package org.telekiosk.broker.telemetry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.broker.mqtt.Subscription;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * What one broker node hands the doctors' screens of the other nodes, when all nodes share one external MQTT broker
 * (docs/scale-out.md, "Vitals and commands across nodes"): every reading and waveform batch this node <em>stored</em>
 * (not a duplicate), every kiosk status it took, and every new state of a measurement command it kept, published on
 * {@link Topics#relayedVitals} / {@link Topics#relayedCommands} (QoS 0); and, as the {@link Subscription} of the same
 * MQTT connection (No Local, so a node never hears itself), what the other nodes published, handed to this node's
 * viewer hub (which puts each kiosk's readings back into the kiosk's order) and status board.
 *
 * <p>Transport-free: it publishes through a {@code (topic, payload)} sink and is handed messages by the client.
 * What arrives was published by a broker node (the external broker's ACL lets only the nodes' service identity write
 * under {@code telekiosk/v1/nodes/}); it is still decoded strictly, and a bad payload is counted and dropped.
 */
public final class VitalsRelay implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(VitalsRelay.class);

    private final WireCodec cbor;
    private final WireCodec json;
    private final BiConsumer<String, byte[]> publish;
    private final Consumer<KioskMessage> viewers;
    private final Consumer<KioskStatus> statuses;
    private final Consumer<ViewerEvent.CommandChanged> commands;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder malformed = new LongAdder();

    /**
     * @param publish  publishes a payload on a topic, QoS 0; must not block
     * @param viewers  this node's viewer hub, for what another node stored; must not block
     * @param statuses this node's status board, for statuses another node took; must not block
     * @param commands this node's viewers, for a command's state another node kept; must not block
     */
    public VitalsRelay(int maxBytes, BiConsumer<String, byte[]> publish, Consumer<KioskMessage> viewers,
            Consumer<KioskStatus> statuses, Consumer<ViewerEvent.CommandChanged> commands) {
        this.cbor = WireCodec.cbor(maxBytes);
        this.json = WireCodec.json(maxBytes);
        this.publish = publish;
        this.viewers = viewers;
        this.statuses = statuses;
        this.commands = commands;
    }

    /** Tells the other nodes of a reading, waveform batch or status this node stored or took. Never blocks. */
    public void stored(KioskMessage message) {
        switch (message) {
            case Measurement m -> send(Topics.relayedVitals(m.kiosk()), cbor.encode(m));
            case WaveformBatch w -> send(Topics.relayedVitals(w.kiosk()), cbor.encode(w));
            case KioskStatus s -> send(Topics.relayedVitals(s.kiosk()), cbor.encode(s));
            // A kiosk's report reaches the others as the command's new state (#commandChanged).
            case CommandUpdate u -> { }
            // Written to the database by the node that took it (KioskPresence); nothing for a viewer.
            case Presence p -> { }
        }
    }

    /** Tells the other nodes of a command's new state, kept by this node. Never blocks. */
    public void commandChanged(ViewerEvent.CommandChanged changed) {
        send(Topics.relayedCommands(changed.kiosk()), json.encode(changed));
    }

    private void send(String topic, byte[] payload) {
        try {
            publish.accept(topic, payload);
            sent.increment();
        } catch (RuntimeException e) {
            LOG.warn("Relaying to the other nodes failed: {}", e.toString());
        }
    }

    @Override
    public String topicFilter() {
        return Topics.allRelayed();
    }

    @Override
    public boolean noLocal() {
        return true;
    }

    @Override
    public CompletionStage<Void> handle(String topic, byte[] payload) {
        try {
            if (Topics.isRelayedVitals(topic)) {
                KioskMessage message = cbor.decode(payload, KioskMessage.class);
                if (message instanceof KioskStatus status) {
                    statuses.accept(status);
                }
                viewers.accept(message);
            } else {
                if (!(json.decode(payload, ViewerEvent.class) instanceof ViewerEvent.CommandChanged changed)) {
                    throw new MalformedMessageException(MalformedMessageException.Reason.UNKNOWN_TYPE, "not a command's state");
                }
                commands.accept(changed);
            }
            received.increment();
        } catch (MalformedMessageException | RuntimeException e) {
            malformed.increment();
            LOG.warn("A message relayed by another node on '{}' was dropped: {}", topic.length() > 80
                    ? topic.substring(0, 80) : topic, e.toString());
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Messages relayed to the other nodes since start. */
    public long sentCount() {
        return sent.sum();
    }

    /** Messages received from the other nodes and handed on since start. */
    public long receivedCount() {
        return received.sum();
    }

    /** Messages from the other nodes that could not be decoded since start. */
    public long malformedCount() {
        return malformed.sum();
    }
}

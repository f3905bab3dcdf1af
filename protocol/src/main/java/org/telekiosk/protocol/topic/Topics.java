package org.telekiosk.protocol.topic;

import java.util.Optional;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The MQTT topic scheme, in one place. What a kiosk publishes goes to {@code telekiosk/v1/kiosks/<kiosk-id>/<channel>}
 * (the uplink, all read by the broker's shared subscription); what the broker sends a kiosk goes to
 * {@code telekiosk/v1/to-kiosk/<kiosk-id>/<channel>} (the downlink, which that subscription does not match). Topics
 * are never assembled elsewhere.
 */
public final class Topics {
    /** The version segment changes only with an incompatible change of the payloads. */
    static final String PREFIX = "telekiosk/v1/kiosks/";

    /** The shared-subscription group of broker nodes (MQTT 5 §4.8.2), so that each reading reaches one node. */
    public static final String BROKER_SHARE_GROUP = "telekiosk-brokers";

    private Topics() {}

    /** Where {@code kiosk} publishes its measurements. */
    public static String measurements(KioskId kiosk) {
        return new KioskTopic(kiosk, KioskTopic.Channel.MEASUREMENTS).name();
    }

    /** Where {@code kiosk} publishes its status. */
    public static String status(KioskId kiosk) {
        return new KioskTopic(kiosk, KioskTopic.Channel.STATUS).name();
    }

    /** Where {@code kiosk} reports on the commands it received ({@code telekiosk/v1/kiosks/<kiosk-id>/commands}). */
    public static String commandUpdates(KioskId kiosk) {
        return new KioskTopic(kiosk, KioskTopic.Channel.COMMANDS).name();
    }

    /**
     * Where the broker sends commands to {@code kiosk} (QoS 1, with a message expiry):
     * {@code telekiosk/v1/to-kiosk/<kiosk-id>/commands}. Downlink topics live under their own prefix
     * ({@link #DOWNLINK_PREFIX}), so that the broker's shared subscription ({@link #allKioskChannelsShared()}) never
     * receives what the broker itself sends.
     */
    public static String commands(KioskId kiosk) {
        return DOWNLINK_PREFIX + kiosk.value() + "/" + COMMANDS_SEGMENT;
    }

    /**
     * Where the broker tells {@code kiosk} up to which sequence number its store holds everything
     * ({@link StoreAck}, CBOR, QoS 0, retained):
     * {@code telekiosk/v1/to-kiosk/<kiosk-id>/acks}.
     */
    public static String acks(KioskId kiosk) {
        return DOWNLINK_PREFIX + kiosk.value() + "/" + ACKS_SEGMENT;
    }

    /** The filter a kiosk subscribes with: every downlink topic of its own ({@link #commands}, {@link #acks}). */
    public static String downlink(KioskId kiosk) {
        return DOWNLINK_PREFIX + kiosk.value() + "/+";
    }

    /** The filter of every kiosk's every downlink topic: where broker nodes may publish. */
    public static String allDownlinks() {
        return DOWNLINK_PREFIX + "+/+";
    }

    /** The last segment of {@link #commands}. */
    public static final String COMMANDS_SEGMENT = "commands";

    /** The last segment of {@link #acks}. */
    public static final String ACKS_SEGMENT = "acks";

    /** Broker to kiosk: {@code telekiosk/v1/to-kiosk/<kiosk-id>/<channel>}. */
    static final String DOWNLINK_PREFIX = "telekiosk/v1/to-kiosk/";

    /**
     * Between broker nodes on one external MQTT broker, never kiosks: {@code telekiosk/v1/nodes/...}. Neither the
     * kiosks' uplink filter nor the broker's shared subscription matches it, and no kiosk may read or write it.
     */
    static final String NODES_PREFIX = "telekiosk/v1/nodes/";

    /**
     * Where a broker node tells the other nodes what it stored (or, for a status, took) of {@code kiosk}, for their
     * doctors' vitals sockets: {@code telekiosk/v1/nodes/vitals/<kiosk-id>}, the kiosk's message as CBOR, QoS 0.
     */
    public static String relayedVitals(KioskId kiosk) {
        return NODES_PREFIX + "vitals/" + kiosk.value();
    }

    /**
     * Where a broker node tells the other nodes of a measurement command's new state ({@code CommandChanged}, JSON,
     * QoS 0): {@code telekiosk/v1/nodes/commands/<kiosk-id>}.
     */
    public static String relayedCommands(KioskId kiosk) {
        return NODES_PREFIX + "commands/" + kiosk.value();
    }

    /** The filter of everything broker nodes relay to each other ({@link #relayedVitals}, {@link #relayedCommands}). */
    public static String allRelayed() {
        return NODES_PREFIX + "#";
    }

    /** Whether {@code topic} is one of {@link #relayedVitals}'s (otherwise, under {@link #allRelayed}, a command's). */
    public static boolean isRelayedVitals(String topic) {
        return topic != null && topic.startsWith(NODES_PREFIX + "vitals/");
    }

    /** Whether {@code message} may be published on {@code channel}. */
    public static boolean carries(KioskTopic.Channel channel, KioskMessage message) {
        return switch (message) {
            case Measurement m -> channel == KioskTopic.Channel.MEASUREMENTS;
            case WaveformBatch w -> channel == KioskTopic.Channel.MEASUREMENTS;
            case KioskStatus s -> channel == KioskTopic.Channel.STATUS;
            case CommandUpdate u -> channel == KioskTopic.Channel.COMMANDS;
            case Presence p -> channel == KioskTopic.Channel.STATUS;
        };
    }

    /**
     * Whether {@code topic} is one of {@code kiosk}'s own uplink topics ({@link #measurements}, {@link #status},
     * {@link #commandUpdates}): what a kiosk may publish to. Read in place, without making the three topic names; the
     * MQTT broker asks it for every publish.
     */
    public static boolean isOwnUplink(KioskId kiosk, String topic) {
        String id = kiosk.value();
        int slash = PREFIX.length() + id.length();
        if (topic == null || topic.length() <= slash || !topic.startsWith(PREFIX)
                || !topic.startsWith(id, PREFIX.length()) || topic.charAt(slash) != '/') {
            return false;
        }
        int segmentLength = topic.length() - slash - 1;
        for (KioskTopic.Channel channel : CHANNELS) {
            String segment = channel.segment();
            if (segment.length() == segmentLength && topic.startsWith(segment, slash + 1)) {
                return true;
            }
        }
        return false;
    }

    private static final KioskTopic.Channel[] CHANNELS = KioskTopic.Channel.values();

    /** The topic filter that matches every channel of every kiosk. */
    public static String allKioskChannels() {
        return PREFIX + "+/+";
    }

    /**
     * The one filter a broker node subscribes with, shared among nodes (MQTT 5 §4.8.2): every kiosk's every channel.
     * One shared subscription rather than one per channel: with two on one client, HiveMQ CE 2025.5 intermittently
     * stopped delivering one of them under load (seen in our tests; compare hivemq-community-edition#558). The
     * intake checks that each message is on the channel that carries it.
     */
    public static String allKioskChannelsShared() {
        return "$share/" + BROKER_SHARE_GROUP + "/" + allKioskChannels();
    }

    /**
     * Parses a topic name of the scheme; empty for anything else (another prefix, an invalid kiosk id, an unknown
     * channel, extra segments).
     */
    public static Optional<KioskTopic> parse(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = topic.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        KioskId kiosk;
        try {
            kiosk = KioskId.of(rest.substring(0, slash));
        } catch (IllegalArgumentException invalid) {
            return Optional.empty();
        }
        String segment = rest.substring(slash + 1);
        for (KioskTopic.Channel channel : KioskTopic.Channel.values()) {
            if (channel.segment().equals(segment)) {
                return Optional.of(new KioskTopic(kiosk, channel));
            }
        }
        return Optional.empty();
    }
}

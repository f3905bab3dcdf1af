package org.telekiosk.protocol.topic;

import java.util.Objects;
import java.util.Optional;
import org.telekiosk.protocol.KioskId;

/**
 * One kiosk's own uplink topics ({@link Topics#measurements}, {@link Topics#status}, {@link Topics#commandUpdates}),
 * each made once with its parsed {@link KioskTopic}: what the MQTT broker holds per kiosk connection to take each of
 * the kiosk's publishes without parsing its topic or validating the kiosk's id again. {@link #parse} is {@link
 * Topics#parse} restricted to this kiosk, and is present exactly when {@link Topics#isOwnUplink} holds
 * ({@code KioskUplinkTest}). Immutable, so shared between threads as it is.
 */
public final class KioskUplink {
    private static final KioskTopic.Channel[] CHANNELS = KioskTopic.Channel.values();

    private final KioskId kiosk;
    /** By channel, in {@link #CHANNELS}'s order: the topic's name and the parsed topic, made once. */
    private final String[] names = new String[CHANNELS.length];
    @SuppressWarnings("unchecked")
    private final Optional<KioskTopic>[] parsed = new Optional[CHANNELS.length];

    private KioskUplink(KioskId kiosk) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        for (KioskTopic.Channel channel : CHANNELS) {
            KioskTopic topic = new KioskTopic(kiosk, channel);
            names[channel.ordinal()] = topic.name();
            parsed[channel.ordinal()] = Optional.of(topic);
        }
    }

    /** The uplink topics of {@code kiosk}. */
    public static KioskUplink of(KioskId kiosk) {
        return new KioskUplink(kiosk);
    }

    public KioskId kiosk() {
        return kiosk;
    }

    /**
     * {@code topic} parsed, if it is one of this kiosk's own uplink topics; empty for anything else (another kiosk's,
     * a downlink topic, a filter, null). Compares the names made once; allocates nothing.
     */
    public Optional<KioskTopic> parse(String topic) {
        if (topic != null) {
            // The three names differ in length, so at most one is compared character by character.
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(topic)) {
                    return parsed[i];
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "KioskUplink[" + kiosk + "]";
    }
}

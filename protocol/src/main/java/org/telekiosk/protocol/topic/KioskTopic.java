package org.telekiosk.protocol.topic;

import java.util.Objects;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** A topic under one kiosk, parsed: which kiosk, which channel. */
public record KioskTopic(KioskId kiosk, Channel channel) {
    public KioskTopic {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(channel, "channel");
    }

    /** The MQTT topic name of this kiosk channel. */
    public String name() {
        return Topics.PREFIX + kiosk.value() + "/" + channel.segment();
    }

    /** The channels a kiosk has; each is the last segment of its topic. */
    public enum Channel {
        /**
         * Kiosk to broker: {@link Measurement}s and
         * {@link WaveformBatch}es, CBOR, QoS 1.
         */
        MEASUREMENTS("measurements"),
        /** Kiosk to broker: {@link KioskStatus} and {@link org.telekiosk.protocol.telemetry.Presence}, CBOR, QoS 1. */
        STATUS("status"),
        /** Kiosk to broker: {@link CommandUpdate}s, CBOR, QoS 1. */
        COMMANDS("commands");

        private final String segment;

        Channel(String segment) {
            this.segment = segment;
        }

        public String segment() {
            return segment;
        }
    }
}

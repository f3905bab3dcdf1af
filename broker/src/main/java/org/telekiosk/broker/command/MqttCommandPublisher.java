package org.telekiosk.broker.command;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.topic.Topics;

/**
 * Publishes a command to its kiosk through the broker's MQTT client: CBOR on {@code telekiosk/v1/to-kiosk/<k>/commands},
 * QoS 1, not retained, expiring with the command (the MQTT broker drops it for a kiosk that stays away too long).
 */
public final class MqttCommandPublisher implements CommandService.Publisher {
    private final BrokerMqttClient client;
    private final WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    public MqttCommandPublisher(BrokerMqttClient client) {
        this.client = client;
    }

    @Override
    public CompletionStage<Void> publish(Command command, Duration expiry) {
        return client.publishExpiring(Topics.commands(command.kiosk()), cbor.encode(command), expiry.toSeconds());
    }
}

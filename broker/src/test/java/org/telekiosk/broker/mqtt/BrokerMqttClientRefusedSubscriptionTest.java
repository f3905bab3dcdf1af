package org.telekiosk.broker.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's MQTT client when the MQTT broker refuses its subscription (SUBACK 0x87), against the real embedded
 * HiveMQ, whose permissions for a broker node allow the kiosks' channels only as the shared subscription: the refusal
 * is counted, the client does not count as subscribed ({@code /readyz} not ready), and it asks again on the same
 * connection, after a backoff, until it is granted (here: once the filter it asks for is one HiveMQ grants). A
 * Mosquitto with an ACL cannot be used for this: its ACL file never refuses a SUBSCRIBE (it grants it and drops what
 * the ACL forbids at delivery; docs/scale-out.md).
 */
class BrokerMqttClientRefusedSubscriptionTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void aRefusedSubscriptionIsCountedAndAskedForAgainUntilTheMqttBrokerGrantsIt() throws Exception {
        var pki = BROKER.broker().pki();
        // Not shared: refused to a broker node by its default permissions (MqttAuthenticator).
        AtomicReference<String> filter = new AtomicReference<>(Topics.allKioskChannels());
        try (BrokerMqttClient client = new BrokerMqttClient(BROKER.broker().mqttUri().toString(),
                "telekiosk-broker-00000000000000c3",
                TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory(),
                false)) {
            client.subscribe(new Subscription() {
                @Override
                public String topicFilter() {
                    return filter.get();
                }

                @Override
                public CompletionStage<Void> handle(String topic, byte[] payload) {
                    return CompletableFuture.completedFuture(null);
                }
            });
            client.start();

            await("the subscription refused, and asked for again").atMost(Duration.ofSeconds(60))
                    .until(() -> client.subscriptionsRefused() >= 2);
            assertFalse(client.isSubscribed(), "a refused subscription is no subscription");

            filter.set(Topics.allKioskChannelsShared());
            await("granted on a later request").atMost(Duration.ofSeconds(60)).until(client::isSubscribed);
        }
    }
}

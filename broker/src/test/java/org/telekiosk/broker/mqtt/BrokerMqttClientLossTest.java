package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's MQTT client against the embedded HiveMQ: one loss of the connection reported twice (here two restarts,
 * as by the acknowledgement line and Paho's {@code disconnected} for the same loss) is one reconnect. Two made two
 * chains of attempts, the second meeting a connected client ("Client is connected") and trying again for as long as
 * the connection lived, each attempt starting a new acknowledgement line under it (issue 16, a smoke run's log).
 */
class BrokerMqttClientLossTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void aLossReportedTwiceIsOneReconnect() throws Exception {
        List<String> arrived = new CopyOnWriteArrayList<>();
        var pki = BROKER.broker().pki();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger mqttLog = (Logger) LoggerFactory.getLogger("org.telekiosk.broker.mqtt");
        mqttLog.addAppender(log);
        try (BrokerMqttClient client = new BrokerMqttClient(BROKER.broker().mqttUri().toString(),
                "telekiosk-broker-00000000000000aa",
                TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory(),
                false)) {
            client.subscribe(new Subscription() {
                @Override
                public String topicFilter() {
                    return Topics.allKioskChannelsShared(); // what a broker node may subscribe to
                }

                @Override
                public CompletionStage<Void> handle(String topic, byte[] payload) {
                    arrived.add(topic);
                    return CompletableFuture.completedFuture(null);
                }
            });
            client.start();
            Awaitility.await("subscribed").atMost(Duration.ofSeconds(30)).until(client::isSubscribed);

            client.restart();
            client.restart(); // the same loss, reported again while the reconnect is under way

            assertEquals(1, retries(log), "one reconnect scheduled: " + messages(log));
            Awaitility.await("subscribed again").atMost(Duration.ofSeconds(30)).until(client::isSubscribed);
            assertEquals(1, retries(log), "no attempt met a connected client: " + messages(log));
            assertEquals(List.of(), arrived, "nothing published to the group here");
        } finally {
            mqttLog.detachAppender(log);
        }
    }

    private static long retries(ListAppender<ILoggingEvent> log) {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getFormattedMessage().contains("retrying in")).count();
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}

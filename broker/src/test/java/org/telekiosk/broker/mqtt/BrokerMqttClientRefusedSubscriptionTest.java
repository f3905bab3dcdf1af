package org.telekiosk.broker.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.mosquitto.MosquittoConfig;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.server.FreePort;
import org.telekiosk.broker.testing.MosquittoProcess;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.testing.TestRegistry;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's MQTT client against a real Mosquitto (Debian's 2.0, started by the test on a free port with the
 * generated configuration) whose ACL does not let the broker's service identity read the kiosks' topics: Mosquitto
 * answers the SUBSCRIBE with SUBACK 0x87 on a connection that is otherwise fine. The refusal is counted, the client
 * does not count as subscribed ({@code /healthz} not ok), and it asks again on the same connection until the ACL
 * lets it (here: the generated ACL put back and Mosquitto told to reload it).
 */
@RequiredPrograms(Program.MOSQUITTO)
class BrokerMqttClientRefusedSubscriptionTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedSubscriptionIsCountedAndAskedForAgainUntilTheMqttBrokerGrantsIt() throws Exception {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        new Revocations(TestRegistry.open(dir), pki.issuing(), pki.crlFile(), clock, kiosk -> { }).publish();
        int port = FreePort.pick("127.0.0.1");
        Path conf = MosquittoConfig.write(pki, dir.resolve("mosquitto"), new MosquittoConfig.Listener(
                List.of("localhost"), "127.0.0.1", port, System.getProperty("user.name")), clock.instant());
        Path acl = conf.resolveSibling("acl");
        String generated = Files.readString(acl);
        // The broker nodes may write the downlink but read nothing: their subscription is refused.
        Files.writeString(acl, "user " + BrokerPki.SERVICE_NAME + "\ntopic write " + Topics.allDownlinks() + "\n");

        try (MosquittoProcess mosquitto = MosquittoProcess.start(conf, port, dir.resolve("mosquitto.log"));
                BrokerMqttClient client = new BrokerMqttClient("ssl://localhost:" + port,
                        "telekiosk-broker-00000000000000c3",
                        TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity())
                                .getSocketFactory(), false)) {
            client.subscribe(new Subscription() {
                @Override
                public String topicFilter() {
                    return Topics.allKioskChannelsShared();
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

            Files.writeString(acl, generated);
            mosquitto.reload();
            await("granted on a later request").atMost(Duration.ofSeconds(60)).until(client::isSubscribed);
        }
    }
}

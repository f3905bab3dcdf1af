package org.telekiosk.agent.uplink;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MQTT 5 broker for a test class: HiveMQ CE 2025.5 embedded, TLS only, on a free port of 127.0.0.1, with an
 * authenticator registered (without one, embedded HiveMQ lets every client in). Kiosk {@code k} must connect with
 * client id and user name {@code k} and the password {@link #passwordOf}; it may publish only under its own topics.
 * The user {@link #SUBSCRIBER} may subscribe to everything under {@code telekiosk/} and publish on the kiosks'
 * downlink (it plays the broker's store and sends store acknowledgements); a kiosk may publish on its own topics and
 * subscribe to its own downlink. The receive maximum stays at
 * HiveMQ's default of 10. Started before the class, stopped and deleted after it.
 */
final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
    /** The user name and client id of the test's subscribing client. */
    static final String SUBSCRIBER = "test-subscriber";

    private final String secret = UUID.randomUUID().toString();
    private final Map<String, List<Long>> connectNanos = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> pings = new ConcurrentHashMap<>();
    private final AtomicBoolean holdPublishes = new AtomicBoolean();
    private final List<Async<PublishInboundOutput>> held = new CopyOnWriteArrayList<>();
    private Path dir;
    private TestPki pki;
    private int port;
    private EmbeddedHiveMQ hivemq;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("telekiosk-hivemq-");
        pki = TestPki.create(dir.resolve("pki"));
        port = freePort();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), configXml());
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        releaseHeld();
        if (hivemq != null) {
            hivemq.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The tls-tcp-listener of HiveMQ 2025.5's config.xsd; HiveMQ loads the key store with type JKS. */
    private String configXml() {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                            <name>telekiosk-tls</name>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <protocols>
                                    <protocol>TLSv1.3</protocol>
                                    <protocol>TLSv1.2</protocol>
                                </protocols>
                                <client-authentication-mode>NONE</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
                    </listeners>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, pki.brokerKeystore(), TestPki.KEYSTORE_PASSWORD, TestPki.KEYSTORE_PASSWORD);
    }

    /**
     * Starts a new HiveMQ on the same port, configuration and data folder. HiveMQ 2025.5 (and 2026.5) cannot start
     * an embedded instance again after {@code stop()} (its metrics are still registered), so a restart is a new
     * instance, as a restarted broker process would be; file persistence carries the sessions over.
     */
    void start() throws Exception {
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("telekiosk-test-security")
                        .withName("Telekiosk test security")
                        .withVersion("1")
                        .withExtensionMain(new Security())
                        .build())
                .withoutLoggingBootstrap()
                .build();
        // Seconds on a quiet machine; over 60 s seen at a load of 30-60 on 2 cores (a clean-clone build beside
        // others, 2026-12-06), as for the broker's own EmbeddedMqttBroker, whose bound is 180 s too.
        hivemq.start().get(180, TimeUnit.SECONDS);
    }

    void stop() throws Exception {
        releaseHeld();
        hivemq.close();
        hivemq = null;
    }

    URI uri() {
        return URI.create("ssl://localhost:" + port);
    }

    int port() {
        return port;
    }

    Path caPem() {
        return pki.caPem();
    }

    Path otherCaPem() {
        return pki.otherCaPem();
    }

    /** The broker's key and certificate (JKS, password {@link TestPki#KEYSTORE_PASSWORD}). */
    Path brokerKeystore() {
        return pki.brokerKeystore();
    }

    String passwordOf(String user) {
        return "pw-" + user + "-" + secret;
    }

    /** When each CONNECT of {@code user} reached the authenticator, in {@link System#nanoTime()}. */
    List<Long> connectAttempts(String user) {
        return List.copyOf(connectNanos.getOrDefault(user, List.of()));
    }

    /** How many PINGREQs the broker received from client {@code clientId}. */
    int pingsFrom(String clientId) {
        java.util.concurrent.atomic.AtomicInteger count = pings.get(clientId);
        return count == null ? 0 : count.get();
    }

    /** Server-side disconnect of a client, as an administrator would (MQTT 5 DISCONNECT from the server). */
    void disconnect(String clientId) throws Exception {
        Services.clientService().disconnectClient(clientId).get(10, TimeUnit.SECONDS);
    }

    /**
     * While on, the broker keeps incoming PUBLISHes (and so their PUBACKs) pending. HiveMQ handles one client's
     * PUBLISHes in order, so it holds the first one and the client's later ones wait behind it.
     */
    void holdPublishes(boolean on) {
        holdPublishes.set(on);
    }

    int heldPublishes() {
        return held.size();
    }

    void releaseHeld() {
        holdPublishes.set(false);
        held.forEach(Async::resume);
        held.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The broker's security, as an embedded extension: authenticator, per-kiosk topic rules, PUBACK holding, PINGREQ counts. */
    private final class Security implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            SimpleAuthenticator authenticator = (authInput, authOutput) -> {
                ConnectPacket connect = authInput.getConnectPacket();
                String user = connect.getUserName().orElse("");
                connectNanos.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                String password = connect.getPassword()
                        .map(bytes -> StandardCharsets.UTF_8.decode(bytes.duplicate()).toString())
                        .orElse("");
                if (!password.equals(passwordOf(user)) || !user.equals(connect.getClientId())) {
                    authOutput.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "not this kiosk");
                    return;
                }
                // Adding a permission turns the default from ALLOW to DENY.
                if (SUBSCRIBER.equals(user)) {
                    authOutput.getDefaultPermissions().add(
                            permission("telekiosk/#", TopicPermission.MqttActivity.SUBSCRIBE));
                    // Plays the broker's store: sends store acknowledgements.
                    authOutput.getDefaultPermissions().add(
                            permission("telekiosk/v1/to-kiosk/#", TopicPermission.MqttActivity.PUBLISH));
                } else {
                    authOutput.getDefaultPermissions().add(
                            permission("telekiosk/v1/kiosks/" + user + "/#", TopicPermission.MqttActivity.PUBLISH));
                    authOutput.getDefaultPermissions().add(
                            permission("telekiosk/v1/to-kiosk/" + user + "/+", TopicPermission.MqttActivity.SUBSCRIBE));
                }
                authOutput.authenticateSuccessfully();
            };
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
            PublishInboundInterceptor holder = (publishInput, publishOutput) -> {
                if (holdPublishes.get()) {
                    held.add(publishOutput.async(Duration.ofSeconds(60), TimeoutFallback.FAILURE));
                }
            };
            Services.initializerRegistry().setClientInitializer((initializerInput, clientContext) -> {
                clientContext.addPublishInboundInterceptor(holder);
                clientContext.addPingReqInboundInterceptor((pingInput, pingOutput) -> pings.computeIfAbsent(
                        pingInput.getClientInformation().getClientId(),
                        id -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet());
            });
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        }

        private static TopicPermission permission(String filter, TopicPermission.MqttActivity activity) {
            return Builders.topicPermission()
                    .topicFilter(filter)
                    .type(TopicPermission.PermissionType.ALLOW)
                    .activity(activity)
                    .build();
        }
    }
}

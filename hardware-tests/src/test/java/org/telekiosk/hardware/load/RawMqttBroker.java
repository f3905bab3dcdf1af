package org.telekiosk.hardware.load;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telekiosk.broker.testing.HiveMqNettyStop;

/**
 * The raw MQTT ceiling's broker: HiveMQ CE, embedded as the Telekiosk broker embeds it, started from a copy of the
 * configuration the Telekiosk broker wrote ({@code <data-dir>/mqtt/conf/config.xml}: the same mutual-TLS listener and
 * key stores, queue limits, receive maximum and file persistence), on a port of its own, with an extension that lets
 * every client with a certificate of the broker's CA connect and publish or subscribe anywhere. No Telekiosk code is in
 * its path: no authenticator lookups, no topic authorizer, no subscriber of ours. Started after the Telekiosk broker
 * has stopped, in the same process, so the two never share the CPU.
 */
final class RawMqttBroker implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("<path>([^<]+)</path>");
    private static final Pattern PORT = Pattern.compile("<port>\\d+</port>");

    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private RawMqttBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    /**
     * Copies {@code brokerConf} (the Telekiosk broker's HiveMQ configuration folder, read while that broker's data
     * directory still exists) into {@code dir}; nothing is started yet.
     */
    static Path copyConfiguration(Path brokerConf, Path dir) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        String xml = Files.readString(brokerConf.resolve("config.xml"), StandardCharsets.UTF_8);
        Matcher paths = PATH.matcher(xml);
        StringBuilder rewritten = new StringBuilder();
        while (paths.find()) {
            Path source = Path.of(paths.group(1));
            Path copy = conf.resolve(source.getFileName());
            Files.copy(source, copy);
            paths.appendReplacement(rewritten, Matcher.quoteReplacement("<path>" + copy.toAbsolutePath() + "</path>"));
        }
        paths.appendTail(rewritten);
        Files.writeString(conf.resolve("config.xml"), rewritten, StandardCharsets.UTF_8);
        return conf;
    }

    /** Starts HiveMQ from {@code conf} (see {@link #copyConfiguration}) on a free loopback port. */
    static RawMqttBroker start(Path conf) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path xml = conf.resolve("config.xml");
        Files.writeString(xml, PORT.matcher(Files.readString(xml)).replaceFirst("<port>" + port + "</port>"));
        Path root = conf.getParent();
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(root.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(root.resolve("extensions")))
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("raw-allow-all").withName("Raw ceiling: allow every certified client")
                        .withVersion("1").withPriority(1000).withStartPriority(1000)
                        .withExtensionMain(new AllowAll()).build())
                .build();
        hivemq.start().get(180, TimeUnit.SECONDS);
        // Its stop without HiveMQ's 2 s Netty quiet period in a test JVM (no-op in LoadBenchmark's main, whose JVM
        // keeps production's settings), as the Telekiosk broker's (BrokerExtension).
        HiveMqNettyStop.apply(hivemq);
        return new RawMqttBroker(hivemq, port);
    }

    /** Whether its stop goes without HiveMQ's Netty quiet period ({@link HiveMqNettyStop}). */
    boolean quickStop() {
        return HiveMqNettyStop.isApplied(hivemq);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().get(60, TimeUnit.SECONDS);
        hivemq.close();
    }

    /** Authenticates every client (TLS already required a certificate of the CA); no permissions set: all allowed. */
    private static final class AllowAll implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            SimpleAuthenticator everyone = (in, out) -> out.authenticateSuccessfully();
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> everyone);
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) { }
    }
}

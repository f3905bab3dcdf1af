package org.telekiosk.broker;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.demo.DemoCommand;
import org.telekiosk.broker.server.Broker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The broker's command line: {@code serve} runs a broker, {@code demo} a broker with a simulated kiosk,
 * {@code create-admin} creates the first admin account; {@code enrollment-token}, {@code revoke} and {@code kiosks}
 * manage kiosks; {@code mosquitto-config} writes the configuration of an external Mosquitto.
 */
@Command(name = "telekiosk-broker", mixinStandardHelpOptions = true, version = "telekiosk-broker 0.1.0",
        description = "Telekiosk broker: consultations, kiosk telemetry, web pages.",
        subcommands = {BrokerMain.Serve.class, DemoCommand.class, CreateAdminCommand.class,
                org.telekiosk.broker.enrollment.KioskCommands.CreateToken.class,
                org.telekiosk.broker.enrollment.KioskCommands.Revoke.class,
                org.telekiosk.broker.enrollment.KioskCommands.ListKiosks.class,
                org.telekiosk.broker.mosquitto.MosquittoConfigCommand.class})
public final class BrokerMain implements Callable<Integer> {

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new BrokerMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // A failure to start is a message for the person at the console, not a stack trace.
                    commandLine.getErr().println("Error: " + e.getMessage());
                    org.slf4j.LoggerFactory.getLogger(BrokerMain.class).debug("Details", e);
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    /** Options shared by every command that starts a broker. */
    public static final class ServerOptions {
        @Option(names = "--config", description = "a properties file with configuration keys")
        Path config;

        @Option(names = "--port", description = "HTTPS port (https.port)")
        Integer port;

        @Option(names = "--mqtt-port", description = "MQTT over TLS port (mqtt.port); 0 for a free one")
        Integer mqttPort;

        @Option(names = "--data-dir", description = "where the broker keeps its data (data.dir)")
        Path dataDir;

        @Option(names = "--bind", description = "address to listen on (https.bind and mqtt.bind)")
        String bind;

        /** The configuration with these options over {@code base} (defaults of the command). */
        public BrokerConfig load(Map<String, String> base) throws java.io.IOException {
            Map<String, String> overrides = new LinkedHashMap<>(base);
            if (port != null) {
                overrides.put("https.port", port.toString());
            }
            if (mqttPort != null) {
                overrides.put("mqtt.port", mqttPort.toString());
            }
            if (dataDir != null) {
                overrides.put("data.dir", dataDir.toString());
            }
            if (bind != null) {
                overrides.put("https.bind", bind);
                overrides.put("mqtt.bind", bind);
            }
            return BrokerConfigLoader.load(Optional.ofNullable(config), overrides);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the broker until stopped.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions options = new ServerOptions();

        @Override
        public Integer call() throws Exception {
            Broker broker = Broker.start(options.load(Map.of()), Clock.systemUTC(), System.getenv());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                broker.close();
                stopped.countDown();
            }));
            System.out.println("Telekiosk broker running: " + broker.url());
            stopped.await();
            return 0;
        }
    }
}

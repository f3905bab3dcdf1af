package org.telekiosk.broker;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.telekiosk.broker.config.ConfigException;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.config.ServerOptions;
import org.telekiosk.broker.demo.DemoCommand;
import org.telekiosk.broker.mosquitto.MosquittoConfigCommand;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The broker's command line: {@code serve} runs a broker, {@code demo} a broker with a simulated kiosk,
 * {@code create-admin} creates the first admin account; {@code enrollment-token}, {@code revoke} and {@code kiosks}
 * manage kiosks; {@code mosquitto-config} writes the configuration of an external Mosquitto.
 */
@Command(name = "telekiosk-broker", mixinStandardHelpOptions = true, version = "telekiosk-broker 0.1.0",
        description = "Telekiosk broker: consultations, kiosk telemetry, web pages.",
        subcommands = {BrokerMain.Serve.class, DemoCommand.class, CreateAdminCommand.class,
                KioskTools.CreateToken.class,
                KioskTools.Revoke.class,
                KioskTools.ListKiosks.class,
                MosquittoConfigCommand.class, UpdateSigningCommands.CreateKey.class,
                UpdateSigningCommands.Sign.class})
public final class BrokerMain implements Callable<Integer> {

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its exit codes: a configuration error ({@link ConfigException}: an unknown key, a value
     * out of range, an unreadable file) or a configuration that does not fit the state found
     * ({@link ConfigurationConflict}: another CA than the shared database's) ends with {@link ExitCodes#CONFIG}, any
     * other failure with {@link ExitCodes#FAILED}, each as one line on standard error, not a stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new BrokerMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    org.slf4j.LoggerFactory.getLogger(BrokerMain.class).debug("Details", e);
                    if (e instanceof ConfigException) {
                        commandLine.getErr().println("Configuration error: " + e.getMessage());
                        return ExitCodes.CONFIG;
                    }
                    commandLine.getErr().println("Error: " + e.getMessage());
                    return e instanceof ConfigurationConflict ? ExitCodes.CONFIG : ExitCodes.FAILED;
                });
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return ExitCodes.USAGE;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the broker until stopped.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOptions options = new ServerOptions();

        @Override
        public Integer call() throws Exception {
            Broker broker = Broker.start(options.load(Map.of()), Clock.systemUTC(), System.getenv());
            CountDownLatch stopped = new CountDownLatch(1);
            // SIGTERM (systemctl stop, restart): drained first, so that a rolling restart fails no consultation
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                try {
                    broker.drain();
                } finally {
                    broker.close();
                }
                stopped.countDown();
            }));
            System.out.println("Telekiosk broker running: " + broker.url());
            stopped.await();
            return ExitCodes.OK;
        }
    }
}

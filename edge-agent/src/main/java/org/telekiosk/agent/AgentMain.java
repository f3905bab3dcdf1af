package org.telekiosk.agent;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.config.ConfigException;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The edge agent's command line. */
@Command(name = "telekiosk-edge-agent", mixinStandardHelpOptions = true, version = "telekiosk-edge-agent 0.1.0",
        description = "Telekiosk edge agent: reads the kiosk's sensors and forwards the readings to the broker.",
        subcommands = {AgentMain.Run.class})
public final class AgentMain implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // A failure to start is a message for the person at the console, not a stack trace.
                    commandLine.getErr().println("Error: " + e.getMessage());
                    org.slf4j.LoggerFactory.getLogger(AgentMain.class).debug("Details", e);
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Measure and forward until stopped (Ctrl+C or SIGTERM).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the agent's properties file")
        Path config;

        @Option(names = "--simulate", description = "use simulated chips instead of the Raspberry Pi's buses")
        boolean simulate;

        @Option(names = "--sim-body-temperature", defaultValue = "36.8",
                description = "with --simulate: the simulated patient's body temperature in °C (default 36.8)")
        double bodyTemperature;

        @Override
        public Integer call() throws Exception {
            AgentConfig agentConfig;
            try {
                agentConfig = AgentConfigLoader.load(config);
            } catch (ConfigException e) {
                System.err.println("Configuration error: " + e.getMessage());
                return 78; // EX_CONFIG
            }
            AutoCloseable hardware;
            List<ScalarSensor> sensors;
            if (simulate) {
                SimulatedKiosk kiosk = new SimulatedKiosk(bodyTemperature);
                kiosk.startWandering(bodyTemperature, Duration.ofSeconds(3), RandomGenerator.getDefault());
                hardware = kiosk;
                sensors = kiosk.sensors();
            } else {
                Context pi4j = Pi4J.newAutoContext();
                if (!pi4j.providers().exists(com.pi4j.io.IOType.I2C)) {
                    pi4j.shutdown();
                    System.err.println("No Pi4J I2C provider found. On a Raspberry Pi, install the agent package "
                            + "with pi4j-plugin-ffm; elsewhere run with --simulate.");
                    return 69; // EX_UNAVAILABLE
                }
                hardware = pi4j::shutdown;
                sensors = List.of(new Mlx90614Thermometer(
                        Mlx90614.open(pi4j, SimulatedKiosk.I2C_BUS, Mlx90614.DEFAULT_ADDRESS)));
            }
            Agent agent = Agent.start(agentConfig, sensors, Clock.systemUTC());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                agent.close();
                try {
                    hardware.close();
                } catch (Exception e) {
                    System.err.println("Releasing the hardware failed: " + e.getMessage());
                }
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
    }
}

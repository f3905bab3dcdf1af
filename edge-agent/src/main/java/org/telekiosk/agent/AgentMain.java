package org.telekiosk.agent;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.config.ConfigException;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.kioskpage.KioskPageUrl;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.SensorWiring;
import org.telekiosk.agent.sensor.bloodpressure.JSerialCommPort;
import org.telekiosk.agent.sensor.bloodpressure.Pacer;
import org.telekiosk.agent.sensor.hx711.CalibrationFile;
import org.telekiosk.agent.sensor.hx711.PinTiming;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The edge agent's command line. */
@Command(name = "telekiosk-edge-agent", mixinStandardHelpOptions = true, version = "telekiosk-edge-agent 0.1.0",
        description = "Telekiosk edge agent: reads the kiosk's sensors and forwards the readings to the broker.",
        subcommands = {AgentMain.Run.class, AgentMain.Enroll.class, AgentMain.KioskPageUrlCommand.class,
            CalibrateScale.class, AgentMain.InstallUpdate.class})
public final class AgentMain implements Callable<Integer> {

    public static void main(String[] args) {
        // 'run', as the unit starts it, without loading picocli (RunArgs); everything else through picocli.
        Run run = RunArgs.parse(args);
        if (run != null) {
            System.exit(run.execute());
        }
        System.exit(new CommandLine(new AgentMain())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // A failure to start is a message for the person at the console, not a stack trace.
                    commandLine.getErr().println("Error: " + e.getMessage());
                    org.slf4j.LoggerFactory.getLogger(AgentMain.class).debug("Details", e);
                    return ExitCodes.FAILED;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return ExitCodes.USAGE;
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Enroll this kiosk with a one-time token from the technician: makes the kiosk's key pair "
                    + "here, checks the broker against the CA pinned in the token before sending anything, and "
                    + "stores certificate, key and configuration (0600) in --dir.")
    static final class Enroll implements Callable<Integer> {
        @Option(names = "--broker", required = true, description = "the broker's HTTPS address, e.g. "
                + "https://broker.example:8443")
        java.net.URI broker;

        @Option(names = "--token", required = true, description = "the token line the technician gave you "
                + "(tk1.<kiosk id>.…); '-' reads it from standard input, which keeps it out of the process list")
        String token;

        @Option(names = "--dir", defaultValue = ".", description = "where to keep the kiosk's identity and "
                + "agent.properties (default: the current directory)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            String line = token;
            if ("-".equals(token)) {
                line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                if (line == null) {
                    System.out.println("Refused: no token on standard input");
                    return Enroller.USAGE;
                }
            }
            return new Enroller(Clock.systemUTC(), new java.security.SecureRandom(),
                    System.out).enroll(broker, line, dir);
        }
    }

    @Command(name = "kiosk-page-url", mixinStandardHelpOptions = true,
            description = "Print a fresh URL of this kiosk's page (one-time, valid for five minutes), asked from the "
                    + "broker over mutual TLS with the kiosk's certificate: for a technician, or a systemd unit that "
                    + "opens the page. The URL is a secret until used: do not log it.")
    static final class KioskPageUrlCommand implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the agent's properties file")
        Path config;

        @Override
        public Integer call() throws Exception {
            AgentConfig agentConfig;
            try {
                agentConfig = AgentConfigLoader.load(config);
            } catch (ConfigException e) {
                System.err.println("Configuration error: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (agentConfig.renewalUrl() == null || agentConfig.mqttIdentity() == null) {
                System.err.println("The kiosk page needs the kiosk's certificate (mqtt.cert-file, mqtt.key-file) and"
                        + " renewal.url, as 'edge-agent enroll' writes them");
                return ExitCodes.CONFIG;
            }
            try {
                System.out.println(new KioskPageUrl(agentConfig.mqttIdentity(),
                        agentConfig.mqttCaFile(), agentConfig.renewalUrl()).fetch());
                return ExitCodes.OK;
            } catch (java.io.IOException e) {
                System.err.println("No kiosk page URL: " + e.getMessage());
                return ExitCodes.UNAVAILABLE;
            }
        }
    }

    @Command(name = "install-update", mixinStandardHelpOptions = true,
            description = "As root, from telekiosk-agent-update.service: install the agent package the agent handed "
                    + "over in --spool, after checking it again against the root-held update key; roll back when the "
                    + "new agent does not come up healthy. Does nothing when no install was requested.")
    static final class InstallUpdate implements Callable<Integer> {
        @Option(names = "--spool", defaultValue = "/var/lib/telekiosk/edge-agent/updates",
                description = "the agent's updates directory (default: ${DEFAULT-VALUE})")
        Path spool;

        @Option(names = "--state", defaultValue = "/var/lib/telekiosk/agent-update",
                description = "root's own directory: the pinned key and the kept packages (default: ${DEFAULT-VALUE})")
        Path state;

        @Option(names = "--pin-from", defaultValue = "/var/lib/telekiosk/edge-agent/update-key.pem",
                description = "the agent's pinned update key, copied into --state at the first update only (default: "
                        + "${DEFAULT-VALUE})")
        Path pinFrom;

        @Option(names = "--health-timeout", defaultValue = "PT3M",
                description = "how long the new agent has to connect to the broker (default: ${DEFAULT-VALUE})")
        Duration healthTimeout;

        @Option(names = "--dpkg-option", description = "an option for dpkg and dpkg-query, e.g. --root=DIR")
        java.util.List<String> dpkgOptions = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.exists(spool.resolve(org.telekiosk.agent.update.UpdateFiles.REQUEST))) {
                System.out.println("No agent update was requested.");
                return ExitCodes.OK;
            }
            java.nio.file.Files.createDirectories(state);
            java.nio.file.Path key = state.resolve(org.telekiosk.agent.update.UpdateFiles.KEY_FILE);
            if (!java.nio.file.Files.exists(key)) {
                if (!java.nio.file.Files.exists(pinFrom)) {
                    System.err.println("No update key: neither " + key + " nor " + pinFrom + " exists");
                    return ExitCodes.CONFIG;
                }
                // Trust on first use: the agent's key as enrollment pinned it; from now on root's copy decides.
                java.nio.file.Files.copy(pinFrom, key);
                System.out.println("Pinned the update key from " + pinFrom + " in " + key);
            }
            org.telekiosk.protocol.update.UpdateKey updateKey = org.telekiosk.protocol.update.UpdateKey.fromPem(
                    java.nio.file.Files.readString(key));
            var outcome = new org.telekiosk.agent.update.UpdateInstallation(spool, state, updateKey,
                    org.telekiosk.protocol.update.DebPackage.machineArchitecture(),
                    new org.telekiosk.agent.update.DpkgInstaller(dpkgOptions),
                    new org.telekiosk.agent.update.HealthMark(spool, healthTimeout, Clock.systemUTC())).run();
            outcome.ifPresent(o -> System.out.println("Agent update " + o.offered() + ": " + o.state() + " ("
                    + o.detail() + ")"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Measure and forward until stopped (Ctrl+C or SIGTERM).")
    static final class Run implements Callable<Integer> {
        static final String DEFAULT_BODY_TEMPERATURE = "36.8";
        static final String DEFAULT_WEIGHT = "72";
        static final String DEFAULT_SPO2 = "97";
        static final String DEFAULT_HEART_RATE = "72";
        static final String DEFAULT_BLOOD_PRESSURE = "120/80";

        @Option(names = "--config", required = true, description = "the agent's properties file")
        Path config;

        @Option(names = "--simulate", description = "use simulated chips instead of the Raspberry Pi's buses")
        boolean simulate;

        @Option(names = "--sim-body-temperature", defaultValue = DEFAULT_BODY_TEMPERATURE,
                description = "with --simulate: the simulated patient's body temperature in °C (default 36.8)")
        double bodyTemperature;

        @Option(names = "--sim-weight", defaultValue = DEFAULT_WEIGHT,
                description = "with --simulate: the simulated patient's weight in kg (default 72)")
        double weight;

        @Option(names = "--sim-spo2", defaultValue = DEFAULT_SPO2,
                description = "with --simulate: the simulated patient's oxygen saturation in %% (default 97)")
        double spo2;

        @Option(names = "--sim-heart-rate", defaultValue = DEFAULT_HEART_RATE,
                description = "with --simulate: the simulated patient's heart rate in /min (default 72)")
        double heartRate;

        @Option(names = "--sim-blood-pressure", defaultValue = DEFAULT_BLOOD_PRESSURE,
                description = "with --simulate: the simulated patient's blood pressure, systolic/diastolic in mm[Hg]"
                        + " (default 120/80)")
        String bloodPressure;

        @Override
        public Integer call() throws Exception {
            AgentConfig agentConfig;
            try {
                agentConfig = AgentConfigLoader.load(config);
            } catch (ConfigException e) {
                System.err.println("Configuration error: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            AutoCloseable hardware;
            FittedSensors sensors;
            if (simulate) {
                SimulatedPatient patient;
                try {
                    patient = patient();
                } catch (IllegalArgumentException e) {
                    System.err.println("Simulated patient: " + e.getMessage());
                    return ExitCodes.INAPPLICABLE;
                }
                SimulatedKiosk kiosk = new SimulatedKiosk(agentConfig.sensors(), patient, System.nanoTime());
                kiosk.startClock();
                kiosk.startWandering(patient.bodyCelsius(), Duration.ofSeconds(3), RandomGenerator.getDefault());
                hardware = kiosk;
                sensors = kiosk.kioskSensors();
            } else {
                Context pi4j = Pi4J.newAutoContext();
                if (!pi4j.providers().exists(com.pi4j.io.IOType.I2C)) {
                    pi4j.shutdown();
                    System.err.println("No Pi4J I2C provider found. On a Raspberry Pi, install the agent package "
                            + "with pi4j-plugin-ffm; elsewhere run with --simulate.");
                    return ExitCodes.UNAVAILABLE;
                }
                hardware = pi4j::shutdown;
                sensors = SensorWiring.open(pi4j, agentConfig.sensors(), new SensorWiring.Peripherals(
                        PinTiming.busyWaiting(), JSerialCommPort::new, Pacer.sleeping(), CalibrationFile::read));
            }
            Agent agent = Agent.start(agentConfig, sensors, Clock.systemUTC(), System::nanoTime);
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
            return ExitCodes.OK;
        }

        /**
         * Runs as picocli's {@code execute} would: the exit code {@link #call()} returns, or, when it throws, the
         * message for the person at the console (not a stack trace) and {@link ExitCodes#FAILED}.
         */
        int execute() {
            try {
                return call();
            } catch (Exception e) {
                System.err.println("Error: " + e.getMessage());
                org.slf4j.LoggerFactory.getLogger(AgentMain.class).debug("Details", e);
                return ExitCodes.FAILED;
            }
        }

        private SimulatedPatient patient() {
            String[] pressures = bloodPressure.split("/", -1);
            if (pressures.length != 2) {
                throw new IllegalArgumentException("--sim-blood-pressure must be systolic/diastolic, e.g. 120/80, was '"
                        + bloodPressure + "'");
            }
            try {
                return new SimulatedPatient(bodyTemperature, weight, spo2, heartRate,
                        Integer.parseInt(pressures[0].strip()), Integer.parseInt(pressures[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sim-blood-pressure must be whole numbers, e.g. 120/80, was '"
                        + bloodPressure + "'", e);
            }
        }
    }
}

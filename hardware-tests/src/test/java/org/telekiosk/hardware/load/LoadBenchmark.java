package org.telekiosk.hardware.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 16's benchmark: the broker in this process (as {@link BrokerExtension} starts it: embedded HiveMQ with mutual
 * TLS, the store on SQLite, the viewer socket over TLS), the {@link LoadGenerator} in a process of its own so that
 * the kiosks' clients do not take the broker's CPU. This process does what an administrator and the doctors do before
 * a run (one-time enrollment tokens; per kiosk a doctor with a room consultation that has the kiosk's patient in the
 * call, logged in) and writes it to an owner-only plan file; the generator enrolls, connects, publishes, watches the
 * viewer sockets and prints its figures. Then, in the same run, the raw ceiling: the broker stops, a
 * {@link RawMqttBroker} starts from a copy of its MQTT configuration, and the generator publishes the same traffic
 * again with one plain subscriber. Command and figures: docs/benchmarks.md.
 *
 * <p>Arguments: {@code kiosks seconds [readings/s per kiosk, default 3, or a comma-separated list of steps] [raw:
 * yes|no, default yes]}; the system properties {@code load.client} ({@code netty}, the generator's default, or
 * {@code agent}) and {@code load.transport} ({@code auto}, {@code nio} or {@code epoll}: its event loops') are handed
 * to the generator. The generator's JVM options come from the environment variable {@code
 * LOADGEN_JAVA_OPTS}; {@code -Dload.generator.jfr=<file>} records each generator JVM ({@link #generatorRecording}:
 * the raw phase's file gets {@code -raw} in its name) with the profile settings, or the {@code .jfc} file
 * {@code -Dload.generator.jfr.settings=<file>} names. {@code -Dload.broker.cpus=<list>} pins this JVM (the broker)
 * to those cores before the broker starts and {@code -Dload.generator.cpus=<list>} starts the generator on others
 * ({@link CpuPinning}): the broker's node and a generator elsewhere, on one machine.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {}

    /** The generator's RESULT lines and the broker's own counters at the end of the Telekiosk phase. */
    /** {@code rawQuickStop}: whether the raw ceiling's HiveMQ stopped without its Netty quiet period (test JVMs). */
    record Outcome(Map<String, String> telekiosk, Map<String, String> raw, long accepted, long stored, long duplicates,
            long acknowledged, long delivered, Path plan, boolean rawQuickStop) {}

    public static void main(String[] args) throws Exception {
        int kiosks = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String perKiosk = args.length > 2 ? args[2] : "3";
        boolean raw = args.length <= 3 || !args[3].equals("no");
        Path work = Files.createTempDirectory("telekiosk-load");
        Outcome outcome = run(kiosks, seconds, perKiosk, raw, work, null);
        if (raw) {
            double product = Double.parseDouble(outcome.telekiosk().get("inWindow"));
            double ceiling = Double.parseDouble(outcome.raw().get("inWindow"));
            System.out.printf(Locale.ROOT, "published in the window, Telekiosk / raw: %.0f / %.0f readings (offered "
                    + "alike); p99 Telekiosk %s ms, raw %s ms%n", product, ceiling, outcome.telekiosk().get("p99"),
                    outcome.raw().get("p99"));
        }
        System.exit(0);
    }

    /**
     * One run: the Telekiosk phase, then (if {@code raw}) the raw ceiling. {@code afterTelekiosk}, if not null, sees
     * the broker before it stops (a test's checks on the store).
     */
    static Outcome run(int kiosks, int seconds, String perKiosk, boolean raw, Path work, BrokerCheck afterTelekiosk)
            throws Exception {
        return run(kiosks, seconds, perKiosk, raw, System.getProperty("load.client", ""), work, afterTelekiosk);
    }

    /**
     * As {@link #run(int, int, String, boolean, Path, BrokerCheck)}, the generator's kiosks with {@code client}
     * ({@code netty} or {@code agent}, {@link LoadGenerator.Client}; blank for the generator's default).
     */
    static Outcome run(int kiosks, int seconds, String perKiosk, boolean raw, String client, Path work,
            BrokerCheck afterTelekiosk) throws Exception {
        // -Dload.warmup=S: each step's warm-up before its window, in seconds (5 unless set)
        return run(kiosks, seconds, perKiosk, raw, client, Duration.ofSeconds(Long.getLong("load.warmup", 5)), work,
                afterTelekiosk);
    }

    /**
     * As {@link #run(int, int, String, boolean, String, Path, BrokerCheck)}, each step warming up for {@code warmUp}
     * (whole seconds) before its window: a smoke test that checks bookkeeping, not speed, needs less than 5 s.
     */
    static Outcome run(int kiosks, int seconds, String perKiosk, boolean raw, String client, Duration warmUp,
            Path work, BrokerCheck afterTelekiosk) throws Exception {
        SecureFiles.ownerOnlyDirectory(work);
        // -Dload.intake=N: the broker's mqtt.intake-connections for this run (its default otherwise);
        // -Dload.intake-mode=in-process|subscription: its mqtt.intake.
        String intake = System.getProperty("load.intake", "");
        String intakeMode = System.getProperty("load.intake-mode", "");
        Map<String, String> overrides = new java.util.HashMap<>();
        // Every doctor's socket comes from 127.0.0.1 here: the default 256 per address would refuse the 257th
        // (a run with 1,000 kiosks failed so: "Remote host terminated the handshake"), as in SocketBenchmark.
        overrides.put("https.max-connections-per-address", "100000");
        // -Dload.config.<key>=<value>: any other broker setting for this run (e.g. load.config.store.ack-interval=PT0.25S).
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("load.config.")) {
                overrides.put(name.substring("load.config.".length()), System.getProperty(name));
            }
        }
        if (!intake.isBlank()) {
            overrides.put("mqtt.intake-connections", intake);
        }
        if (!intakeMode.isBlank()) {
            overrides.put("mqtt.intake", intakeMode);
        }
        // -Dload.broker.cpus=<list>: this JVM (the broker, later the raw ceiling) pinned to those cores before the
        // broker starts; -Dload.generator.cpus=<list>: the generator's JVMs started on those (CpuPinning).
        CpuPinning.pin(ProcessHandle.current().pid(),
                CpuPinning.cpuList("load.broker.cpus", System.getProperty("load.broker.cpus")));
        BrokerExtension extension = new BrokerExtension(Map.copyOf(overrides));
        extension.beforeAll(null);
        Map<String, String> telekiosk;
        Map<String, String> rawResult = Map.of();
        boolean rawQuickStop = false;
        long accepted;
        long stored;
        long duplicates;
        long acknowledged;
        long delivered;
        Path plan = work.resolve("plan.tsv");
        Path rawConf;
        try {
            Broker broker = extension.broker();
            List<String> lines = new ArrayList<>(List.of("https\t" + broker.url(),
                    "viewer\t" + extension.viewerSocket(), "origin\t" + extension.origin()));
            var access = broker.access();
            for (int i = 1; i <= kiosks; i++) {
                KioskId kiosk = KioskId.of(String.format(Locale.ROOT, "load-%05d", i));
                String token = broker.enrollment().createToken(kiosk, "Load " + kiosk, AuditActor.system()).line();
                var doctor = VitalsFixture.account(access, "dr-" + kiosk.value(), Role.DOCTOR);
                var consultation = VitalsFixture.inCall(access, doctor, kiosk);
                String hello = VitalsFixture.hello(VitalsFixture.login(access, doctor), consultation.id());
                lines.add("kiosk\t" + kiosk.value() + "\t" + token + "\t" + hello);
            }
            SecureFiles.writeSecret(plan, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            telekiosk = generator(plan, "telekiosk", seconds, perKiosk, 0, client, warmUp,
                    new BrokerCpu(() -> broker.store().counters().stored(),
                            () -> broker.store().counters().commits()),
                    broker.metricsUrl().map(BrokerStages::new).orElse(null));
            accepted = broker.intake().acceptedCount();
            stored = broker.store().counters().stored();
            duplicates = broker.store().counters().duplicates();
            acknowledged = broker.intakeAcknowledged();
            delivered = broker.viewers().deliveredCount();
            System.out.printf(Locale.ROOT, "[telekiosk] broker's own counters (whole run): accepted %d, stored %d, "
                    + "duplicates %d, acknowledged to MQTT after the commit %d, frames delivered to viewer sockets %d%n",
                    accepted, stored, duplicates, acknowledged, delivered);
            broker.inProcessIntake().ifPresent(p -> System.out.printf(Locale.ROOT, "[telekiosk] in-process intake "
                    + "(whole run): taken %d, acknowledged after the commit %d, answered 0x97 to send again %d%n",
                    p.takenCount(), p.acknowledgedCount(), p.sendAgainCount()));
            if (afterTelekiosk != null) {
                afterTelekiosk.check(extension);
            }
            rawConf = raw ? RawMqttBroker.copyConfiguration(extension.dataDir().resolve("mqtt").resolve("conf"),
                    work.resolve("raw-mqtt")) : null;
        } finally {
            extension.afterAll(null);
        }
        if (raw) {
            try (RawMqttBroker ceiling = RawMqttBroker.start(rawConf)) {
                rawResult = generator(plan, "raw", seconds, perKiosk, ceiling.port(), client, warmUp, null, null);
                rawQuickStop = ceiling.quickStop();
            }
        }
        return new Outcome(telekiosk, rawResult, accepted, stored, duplicates, acknowledged, delivered, plan,
                rawQuickStop);
    }

    /**
     * The generator's flight recording for one phase: {@code file} itself for the Telekiosk phase, {@code file} with
     * {@code -raw} before its extension for the raw ceiling's (each phase is a JVM of its own).
     */
    static Path generatorRecording(Path file, String mode) {
        if (mode.equals("telekiosk")) {
            return file;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String named = dot > 0 ? name.substring(0, dot) + "-" + mode + name.substring(dot) : name + "-" + mode;
        return file.resolveSibling(named);
    }

    /** What a caller checks while the broker still runs. */
    interface BrokerCheck {
        void check(BrokerExtension broker) throws Exception;
    }

    /**
     * Runs the generator in its own JVM on this classpath, echoes its output, and returns its RESULT line's fields;
     * {@code cpu}, if not null, measures this JVM's CPU per reading over each step's window; {@code stages}, if not
     * null, prints the broker's stage percentiles of each step's window after the generator's end-to-end ones.
     */
    private static Map<String, String> generator(Path plan, String mode, int seconds, String perKiosk, int rawPort,
            String client, Duration warmUp, BrokerCpu cpu, BrokerStages stages) throws Exception {
        List<String> command = new ArrayList<>(CpuPinning.commandPrefix(
                CpuPinning.cpuList("load.generator.cpus", System.getProperty("load.generator.cpus"))));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getenv("LOADGEN_JAVA_OPTS");
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        String jfr = System.getProperty("load.generator.jfr", "");
        if (!jfr.isBlank()) {
            String settings = System.getProperty("load.generator.jfr.settings", "");
            command.add("-XX:StartFlightRecording=filename=" + generatorRecording(Path.of(jfr), mode) + ",settings="
                    + (settings.isBlank() ? "profile" : settings));
        }
        if (!client.isBlank()) {
            command.add("-Dload.client=" + client);
        }
        // -Dload.transport=auto|nio|epoll: the generator's event loops' transport (the broker's is
        // -Dload.config.https.transport)
        String transport = System.getProperty("load.transport", "");
        if (!transport.isBlank()) {
            command.add("-Dload.transport=" + transport);
        }
        command.add("-Dload.warmup=" + warmUp.toSeconds());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                plan.toString(), mode, Integer.toString(seconds), perKiosk,
                Integer.toString(rawPort)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> result = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println(line);
                if (cpu != null && line.equals(LoadGenerator.WINDOW_OPENS)) {
                    cpu.start();
                } else if (cpu != null && line.equals(LoadGenerator.WINDOW_CLOSES)) {
                    cpu.end(mode);
                }
                if (stages != null && line.equals(LoadGenerator.WINDOW_OPENS)) {
                    stages.start();
                } else if (stages != null && line.equals(LoadGenerator.WINDOW_CLOSES)) {
                    stages.end();
                } else if (stages != null && line.startsWith("[" + mode + "] latency kiosk ->")) {
                    stages.print(mode);
                }
                if (line.startsWith("RESULT ")) {
                    for (String field : line.substring(7).split(" ")) {
                        int eq = field.indexOf('=');
                        result.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result.isEmpty()) {
            throw new IllegalStateException("the load generator (" + mode + ") exited with " + exit
                    + " and no RESULT line");
        }
        return result;
    }
}

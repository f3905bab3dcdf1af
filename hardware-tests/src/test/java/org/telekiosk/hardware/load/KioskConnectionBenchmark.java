package org.telekiosk.hardware.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.mqtt.MqttTlsRefusals;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 16's "10,000 kiosks connected": the broker in this process (started as {@link BrokerExtension} starts it:
 * embedded HiveMQ with mutual TLS, the store on SQLite), the kiosks in {@link KioskLoad}, a process of its own (a
 * {@link KioskFleet}: one Netty channel per kiosk on two threads). This process makes one enrollment token per kiosk;
 * the fleet enrolls each with the agent's {@code Enroller} and connects it with its own certificate, keep-alive and
 * QoS 1 spot readings at a low rate. The kiosks are connected in steps; after each, this JVM is measured after full
 * collections ({@link SocketBenchmark#snapshot}: heap, RSS, direct buffers, open files, Native Memory Tracking, the
 * class histogram's growth per kiosk), then both processes' CPU over a rest of {@code rest} seconds. At the end the
 * readings stop, and the fleet's counters are set against the broker's (stored, duplicates).
 *
 * <p>Arguments: {@code steps (cumulative kiosks, comma-separated) rest-seconds publish-every-seconds work-dir
 * [keep-alive-seconds, 0 for the agent's 60 s] [direct|api] [storm|no]}: {@code api} enrolls every kiosk with a token
 * through the enrollment API (the agent's {@code Enroller}); {@code direct} (the default) issues the kiosks' keys and
 * certificates in this process and records them in the registry in one change ({@link DirectIssue}): the registry
 * rewrites its whole state for every token and enrollment, which made 10,000 enrollments take longer than a run here
 * (docs/benchmarks.md). With {@code storm}, at the end (the readings stopped) every kiosk's connection is dropped at
 * once and the time until all are back is measured (a reconnect storm). Command and figures: docs/benchmarks.md.
 */
public final class KioskConnectionBenchmark {
    private KioskConnectionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] steps = java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        long rest = Long.parseLong(args[1]);
        String every = args[2];
        Path work = Path.of(args[3]);
        String keepAlive = args.length > 4 ? args[4] : "0";
        boolean throughApi = args.length > 5 && args[5].equals("api");
        boolean storm = args.length > 6 && args[6].equals("storm");
        SecureFiles.ownerOnlyDirectory(work);
        BrokerExtension extension = new BrokerExtension(Map.of("https.max-connections-per-address", "100000"));
        System.out.println("broker JVM " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        extension.beforeAll(null);
        int status = 0;
        try {
            Broker broker = extension.broker();
            int total = steps[steps.length - 1];
            long start = System.nanoTime();
            List<String> lines = new ArrayList<>(List.of("https\t" + broker.url()));
            if (throughApi) {
                for (int i = 1; i <= total; i++) {
                    KioskId kiosk = id(i);
                    lines.add("kiosk\t" + kiosk.value() + "\t"
                            + broker.enrollment().createToken(kiosk, "Load " + kiosk, AuditActor.system()).line());
                }
            } else {
                lines.addAll(DirectIssue.issue(broker, total, work.resolve("kiosks"), KioskConnectionBenchmark::id));
            }
            Path plan = work.resolve("kiosks.tsv");
            SecureFiles.writeSecret(plan, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            System.out.printf(Locale.ROOT, "%d kiosks %s in %d s%n", total, throughApi ? "given enrollment tokens"
                    : "issued certificates directly", (System.nanoTime() - start) / 1_000_000_000L);
            run(broker, plan, steps, rest, every, keepAlive, work, storm);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            extension.afterAll(null);
            System.exit(status);
        }
    }

    static KioskId id(int i) {
        return KioskId.of(String.format(Locale.ROOT, "conn-%05d", i));
    }

    private static void run(Broker broker, Path plan, int[] steps, long rest, String every, String keepAlive,
            Path work, boolean storm) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getenv("KIOSKLOAD_JAVA_OPTS");
        command.addAll(List.of((options == null || options.isBlank() ? "-Xmx1g" : options.trim()).split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KioskLoad.class.getName(),
                plan.toString(), every, keepAlive));
        Process load = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        PrintWriter to = new PrintWriter(load.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader from = new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8));
        SocketBenchmark.Snapshot before = SocketBenchmark.snapshot(work, "0");
        System.out.println(before.line(0).replace("sockets]", "kiosks]"));
        int asked = 0;
        for (int step : steps) {
            to.println("connect " + (step - asked));
            asked = step;
            String answer = expect(from, "CONNECTED");
            System.out.println("[load] " + answer + " (" + SocketBenchmark.loadAverage() + ")");
            System.out.println(brokerCounters(broker));
            int kiosks = Integer.parseInt(answer.split(" ")[1]);
            SocketBenchmark.Snapshot now = SocketBenchmark.snapshot(work, Integer.toString(kiosks));
            System.out.println(now.line(kiosks).replace("sockets]", "kiosks]"));
            System.out.printf(Locale.ROOT, "per kiosk from 0 to %d kiosks: heap %.0f B, RSS %.0f B, direct %.0f B%n",
                    kiosks, (now.heap() - before.heap()) / (double) kiosks,
                    (now.rss() - before.rss()) / (double) kiosks, (now.direct() - before.direct()) / (double) kiosks);
            SocketBenchmark.printGrowth(before, now, kiosks, "kiosks");
            if (!now.nmt().isBlank()) {
                Files.writeString(work.resolve("nmt-" + kiosks + ".txt"), now.nmt());
                System.out.println("NMT summary: " + work.resolve("nmt-" + kiosks + ".txt"));
            }
            if (rest > 0) {
                to.println("rest " + rest);
                String brokerCpu = SocketBenchmark.restCpu(rest);
                String generator = expect(from, "REST");
                System.out.println("[" + kiosks + " kiosks] broker's " + brokerCpu);
                System.out.println("[" + kiosks + " kiosks] fleet's " + generator + " (of " + rest + " s)");
            }
        }
        to.println("stop");
        String stopped = expect(from, "STOPPED");
        System.out.println("[load] " + stopped);
        System.out.printf(Locale.ROOT, "broker's store: stored %d, duplicates %d; accepted by the intake %d%n",
                broker.store().counters().stored(), broker.store().counters().duplicates(),
                broker.intake().acceptedCount());
        System.out.println(brokerCounters(broker));
        if (storm) { // after the readings stopped and settled: nothing in flight is cut off
            to.println("storm");
            String back = expect(from, "STORM");
            System.out.println("[load] " + back + " (" + SocketBenchmark.loadAverage() + ")");
            System.out.println(brokerCounters(broker));
        }
        to.println("quit");
        load.waitFor();
    }

    /** What the broker's MQTT side counted: who is connected, what it refused, what the in-process intake did. */
    static String brokerCounters(Broker broker) {
        var mqtt = broker.mqtt();
        String intake = broker.inProcessIntake().map(i -> String.format(Locale.ROOT,
                "; in-process intake: taken %d, acknowledged %d, send again %d", i.takenCount(), i.acknowledgedCount(),
                i.sendAgainCount())).orElse("; intake: the shared subscription");
        return String.format(Locale.ROOT, "[broker] MQTT clients connected %d, refused by the authenticator %d, TLS "
                + "refused: handshake %d, timeout %d, not TLS %d; messages dropped %d%s", mqtt.connectedClients(),
                mqtt.refusedConnections(), mqtt.tlsRefusals().count(MqttTlsRefusals.Reason.HANDSHAKE),
                mqtt.tlsRefusals().count(MqttTlsRefusals.Reason.TIMEOUT),
                mqtt.tlsRefusals().count(MqttTlsRefusals.Reason.NOT_TLS), mqtt.droppedMessages(), intake);
    }

    private static String expect(BufferedReader from, String prefix) throws Exception {
        return SocketBenchmark.expect(from, prefix, "the kiosk load");
    }
}

package org.telekiosk.hardware.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 16's kiosk connections, in a process of its own (started by {@link KioskConnectionBenchmark}): a
 * {@link KioskFleet} that enrolls and connects the plan's kiosks in steps and keeps them connected.
 *
 * <p>Commands on standard input, one a line: {@code connect <n>} enrolls and connects the next {@code n} kiosks and
 * answers {@code CONNECTED <connected> <ms> failures=<n not in within 15 minutes> …counters} (the failed attempts
 * by where and why they ended among them); {@code rest <seconds>} waits and answers {@code REST cpuMs=<this
 * process's CPU over the wait> …counters}; {@code storm} drops every connection at once and answers {@code STORM
 * <connected> <ms until all were back> missing=<n> …counters} once all are back (or after 15 minutes); {@code stop}
 * stops the readings, waits up to a minute for every PUBACK and store acknowledgement and answers {@code STOPPED
 * settled=<bool> …counters}; {@code quit} ends.
 *
 * <p>Arguments: {@code plan-file publish-every-seconds [keep-alive-seconds, 0 for the agent's]}. The plan
 * (owner-only: it holds tokens): {@code https <url>}, then per kiosk {@code kiosk <id> <token line>} (enrolled here)
 * or {@code issued <id> <directory with kiosk.key, kiosk.crt, ca.pem> <mqtt uri>}, tab-separated.
 */
public final class KioskLoad {
    /** How long a {@code connect} step waits for its kiosks (those not in by then go on trying). */
    private static final Duration PATIENCE = Duration.ofMinutes(15);

    private KioskLoad() {}

    public static void main(String[] args) throws Exception {
        URI https = null;
        List<KioskFleet.Planned> planned = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "https" -> https = URI.create(f[1]);
                case "kiosk" -> planned.add(new KioskFleet.Planned(KioskId.of(f[1]), f[2]));
                case "issued" -> planned.add(new KioskFleet.Planned(KioskId.of(f[1]), null, Path.of(f[2]),
                        URI.create(f[3])));
                default -> { }
            }
        }
        Duration every = Duration.ofMillis(Math.round(Double.parseDouble(args[1]) * 1000));
        long keepAlive = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Path dir = Files.createDirectories(Path.of(args[0]).toAbsolutePath().getParent().resolve("kiosks"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (KioskFleet fleet = new KioskFleet(https, dir, every, keepAlive == 0 ? null : Duration.ofSeconds(keepAlive))) {
            for (String command = in.readLine(); command != null; command = in.readLine()) {
                String[] c = command.trim().split("\\s+");
                switch (c[0]) {
                    case "connect" -> {
                        long start = System.nanoTime();
                        int from = fleet.size();
                        int to = Math.min(planned.size(), from + Integer.parseInt(c[1]));
                        int failures = fleet.enrollAndConnect(planned.subList(from, to), PATIENCE);
                        System.out.printf(Locale.ROOT, "CONNECTED %d %d failures=%d %s%n", fleet.connected(),
                                (System.nanoTime() - start) / 1_000_000, failures, counters(fleet));
                    }
                    case "rest" -> {
                        long cpu = os.getProcessCpuTime();
                        new CountDownLatch(1).await(Long.parseLong(c[1]), TimeUnit.SECONDS); // the measured rest
                        System.out.printf(Locale.ROOT, "REST cpuMs=%d %s%n", (os.getProcessCpuTime() - cpu) / 1_000_000,
                                counters(fleet));
                    }
                    case "storm" -> {
                        long start = System.nanoTime();
                        long missing = fleet.storm(PATIENCE);
                        System.out.printf(Locale.ROOT, "STORM %d %d missing=%d %s%n", fleet.connected(),
                                (System.nanoTime() - start) / 1_000_000, missing, counters(fleet));
                    }
                    case "stop" -> {
                        fleet.stopPublishing();
                        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                        while (!fleet.settled() && System.nanoTime() < deadline) {
                            new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS); // a poll, not a synchronisation
                        }
                        System.out.printf(Locale.ROOT, "STOPPED settled=%s %s%n", fleet.settled(), counters(fleet));
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + command);
                }
                System.out.flush();
            }
        } finally {
            System.out.flush();
            System.exit(0);
        }
    }

    static String counters(KioskFleet fleet) {
        FleetCounters c = fleet.counters;
        return String.format(Locale.ROOT, "connected=%d published=%d pubacked=%d announced=%d storeAcked=%d "
                + "refused=%d received=%d pings=%d lost=%d attemptsFailed=%d reasons=%s", fleet.connected(),
                c.published.sum(), c.pubacked.sum(), c.announced.sum(), c.storeAcknowledged(),
                c.refusedByWindow.sum(), c.received.sum(), c.pingResponses.sum(), c.lost.sum(),
                c.attemptsFailed.sum(), c.failures());
    }
}

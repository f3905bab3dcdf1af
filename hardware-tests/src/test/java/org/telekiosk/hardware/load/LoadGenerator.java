package org.telekiosk.hardware.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.PahoUplink;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.broker.server.EventLoops;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 16's load generator, meant to run in a process of its own (started by {@link LoadBenchmark}, or by hand
 * against any broker with a plan file). Kiosks publish what an agent publishes at its defaults, phases spread: per
 * kiosk, in turn, an ECG batch (250 samples, 1 s), a pleth batch (100 samples, 1 s) and a spot measurement (so three
 * readings a second at the default rate), plus a status a minute (not a reading): {@link KioskTraffic}. Each kiosk's
 * MQTT client is chosen with {@code -Dload.client}: {@code netty} (the default) a {@link NettyUplink}, the agent's
 * wire behaviour (mutual TLS with the enrolled certificate, the agent's CONNECT with {@code telekiosk-ack}, QoS 1,
 * CBOR, its in-flight window) on one event loop shared by all kiosks, far cheaper than {@code agent}, the agent's
 * real {@link PahoUplink} (four Paho threads a kiosk; docs/benchmarks.md, "A cheap MQTT
 * client for the generator's kiosks"). Either without sampler or outbox; a publish refused by a full window is not
 * numbered (an agent keeps it in its outbox) and counted apart. Either answers the broker's measurement commands as the
 * agent does, with the agent's own executor ({@link LoadCommands}: {@code FAILED}, no sensor is configured).
 *
 * <p>Two modes over the same plan ({@link #main}):
 * <ul>
 *   <li>{@code telekiosk}: enrolls every kiosk with its one-time token through the broker's enrollment API (the
 *       agent's {@link Enroller}), opens one viewer socket per kiosk as the doctor of a consultation with that kiosk's
 *       patient in the call (the plan's {@code hello}; {@link ViewerSockets}: Netty and BoringSSL, each frame's time
 *       read from its bytes), and times each reading from its {@code takenAt} (spot) or the
 *       end of its batch to the viewer socket. Counters: published, PUBACKed, store-acknowledged (the kiosks'
 *       {@code storedThrough}), delivered to the viewer sockets; the broker's own (accepted, stored, delivered) from
 *       {@code /healthz};</li>
 *   <li>{@code raw}: the raw ceiling. The same kiosks (already enrolled) and the same payloads through an MQTT broker
 *       with no Telekiosk code ({@link RawMqttBroker}), one plain Paho MQTT 5 subscriber in the shared group as the
 *       broker's own (persistent session, receive maximum 1000, automatic PUBACK), timed the same way.</li>
 * </ul>
 * After the measured window the kiosks stop publishing and the generator waits up to a minute for the path to drain,
 * so the totals of a run can be compared step by step. The last line is {@code RESULT key=value …} for a harness.
 *
 * <p>Arguments: {@code plan-file telekiosk|raw seconds [readings per kiosk per second, default 3; a comma-separated
 * list runs one step per rate] [raw MQTT port]}; the system properties {@code load.client} ({@code netty|agent}),
 * {@code load.warmup} (each step's warm-up in seconds, 5 unless set), {@code load.transport} (the event loops'
 * transport, {@link NettyKiosks#transport()}) and {@code load.paths} (the generator's own
 * cheaper paths per step, for A/B within one run: {@link GeneratorPaths}).
 * The plan file (owner-only; it holds tokens and sessions): {@code https <url>}, {@code viewer <wss-uri>},
 * {@code origin <origin>}, then one {@code kiosk <id> <token line> <hello frame>} per kiosk, tab-separated.
 */
public final class LoadGenerator {
    /** Each step's warm-up before its window: {@code -Dload.warmup=S} seconds, 5 unless set. */
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("load.warmup", 5));
    /** Printed (alone on a line) when a step's measured window opens and when it closes, for the harness. */
    static final String WINDOW_OPENS = "WINDOW opens";
    static final String WINDOW_CLOSES = "WINDOW closes";
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final LoadPlan plan;
    private final boolean raw;
    private final Duration window;
    private final double[] rates;
    private final int rawPort;
    private final Client client;
    private final ReadingCounters counters = new ReadingCounters();
    private final LongAdder delivered = new LongAdder();
    private final ConcurrentHashMap<KioskId, Long> storedThrough = new ConcurrentHashMap<>();
    private final LatencySamples latencies = new LatencySamples();
    private final GeneratorPaths paths = GeneratorPaths.of(System.getProperty("load.paths"));
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final LongAdder rawReconnects = new LongAdder();
    private final EventLoops loops = NettyKiosks.transport();
    private NettyKiosks netty;

    /** The kiosks' MQTT client ({@code -Dload.client}, default {@link #NETTY}). */
    enum Client {
        /** {@link NettyUplink}s on one shared event loop: cheap, so that the machine's CPU goes to the broker. */
        NETTY,
        /** The agent's real {@link PahoUplink} per kiosk (four Paho threads each). */
        AGENT;

        static Client of(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    private LoadGenerator(LoadPlan plan, boolean raw, Duration window, double[] rates, int rawPort, Client client) {
        this.client = client;
        this.plan = plan;
        this.raw = raw;
        this.window = window;
        this.rates = rates;
        this.rawPort = rawPort;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LoadGenerator plan-file telekiosk|raw seconds [readings/s per kiosk] [raw port]");
            System.exit(2);
        }
        LoadPlan plan = LoadPlan.read(Path.of(args[0]));
        boolean raw = switch (args[1]) {
            case "telekiosk" -> false;
            case "raw" -> true;
            default -> throw new IllegalArgumentException("mode is telekiosk or raw, not " + args[1]);
        };
        double[] rates = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).mapToDouble(Double::parseDouble).toArray()
                : new double[] {3};
        int rawPort = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (raw && rawPort == 0) {
            throw new IllegalArgumentException("raw mode needs the raw MQTT broker's port");
        }
        Client client = Client.of(System.getProperty("load.client", "netty"));
        new LoadGenerator(plan, raw, Duration.ofSeconds(Long.parseLong(args[2])), rates, rawPort, client).run();
        System.exit(0);
    }

    private void run() throws Exception {
        String mode = raw ? "raw" : "telekiosk";
        int n = plan.kiosks().size();
        long start = System.nanoTime();
        List<AgentConfig> configs = raw ? plan.loadAll() : plan.enrollAll();
        System.out.printf(Locale.ROOT, "[%s] %d kiosks %s in %.1f s; their MQTT client: %s; Netty transport: %s%n",
                mode, n, raw ? "loaded" : "enrolled", (System.nanoTime() - start) / 1e9, client == Client.NETTY
                        ? "Netty, one event loop group of " + NettyKiosks.THREADS + " thread for all"
                        : "the agent's PahoUplink", loops.describe());
        netty = client == Client.NETTY ? new NettyKiosks(paths, loops) : null;
        List<Uplink> uplinks = new ArrayList<>();
        List<LoadCommands> answers = new ArrayList<>();
        ViewerSockets viewers = null;
        int viewerCount = 0;
        RawSubscriber subscriber = null;
        HttpClient http = null;
        try {
            for (int i = 0; i < n; i++) {
                AgentConfig config = configs.get(i);
                UplinkSettings s = config.uplink();
                if (raw) {
                    URI u = s.serverUri();
                    s = new UplinkSettings(URI.create(u.getScheme() + "://" + u.getHost() + ":" + rawPort), s.kiosk(),
                            s.password(), s.caFile(), s.sessionExpiry(), s.inflightWindow(), s.keepAlive(),
                            s.connectTimeout(), s.identity());
                }
                var policy = config.reconnectPolicy(new SplittableRandom(i));
                Uplink uplink = netty != null ? netty.open(s, policy) : new PahoUplink(s, policy);
                KioskId kiosk = plan.kiosks().get(i).id();
                uplink.addStoreAckListener(ack -> storedThrough.merge(kiosk, ack.storedThrough(), Math::max));
                answers.add(new LoadCommands(kiosk, uplink, uplink instanceof NettyUplink u ? u::addCommandListener
                        : ((PahoUplink) uplink)::addCommandListener, counters, Clock.systemUTC()));
                uplinks.add(uplink);
                uplink.start();
            }
            if (raw) {
                subscriber = new RawSubscriber(configs.getFirst(), rawPort, this::arrived,
                        () -> counters.published.sum() - counters.failed.sum() > delivered.sum(), rawReconnects);
            } else {
                http = HttpClient.newBuilder().sslContext(CaTrust.context(configs.getFirst().uplink().caFile(), null))
                        .executor(Executors.newVirtualThreadPerTaskExecutor())
                        .connectTimeout(Duration.ofSeconds(30)).build();
                viewers = new ViewerSockets(plan.viewer(), plan.origin(), configs.getFirst().uplink().caFile(),
                        Clock.systemUTC(), new ViewerSockets.Arrivals() {
                            @Override
                            public void arrived(int kind, long latencyMicros) {
                                LoadGenerator.this.arrived(kind == ViewerFrames.SPOT, latencyMicros);
                            }

                            @Override
                            public void unreadable(String why) {
                                System.err.println("the broker sent a frame the generator cannot read: " + why);
                            }
                        }, paths, loops);
                // Eight at a time, as the enrollments: the broker closes a socket that has not said hello within
                // 15 s, which a hundred handshakes at once on a busy machine can exceed.
                Semaphore opening = new Semaphore(8);
                List<CompletableFuture<?>> welcomed = new ArrayList<>();
                for (LoadPlan.Kiosk kiosk : plan.kiosks()) {
                    opening.acquire();
                    welcomed.add(viewers.open(kiosk.hello()).whenComplete((c, e) -> opening.release()));
                }
                CompletableFuture.allOf(welcomed.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
                viewerCount = welcomed.size();
                System.out.println("[telekiosk] the doctors' sockets use " + viewers.provider());
            }
            awaitTrue("every kiosk connected", Duration.ofMinutes(3),
                    () -> uplinks.stream().allMatch(Uplink::isConnected));
            System.out.printf(Locale.ROOT, "[%s] %d kiosks connected, %d viewer sockets, after %.1f s%n", mode, n,
                    viewerCount, (System.nanoTime() - start) / 1e9);
            if (!raw) {
                System.out.println("[telekiosk] broker /healthz before: " + health(http));
            }

            List<KioskTraffic> publishers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                publishers.add(new KioskTraffic(plan.kiosks().get(i).id(), uplinks.get(i), counters));
            }
            for (int step = 0; step < rates.length; step++) {
                paths.step(step);
                step(mode, publishers, rates[step], http);
            }
        } finally {
            if (viewers != null) {
                viewers.close();
            }
            if (subscriber != null) {
                subscriber.close();
            }
            uplinks.forEach(Uplink::close);
            answers.forEach(LoadCommands::close);
            if (netty != null) {
                netty.close();
            }
        }
    }

    /** One rate: publish, warm up, measure the window, stop, drain, print. The totals are the whole run's. */
    private void step(String mode, List<KioskTraffic> publishers, double perKiosk, HttpClient http) throws Exception {
        int n = publishers.size();
        latencies.clear();
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        List<ScheduledFuture<?>> scheduled = new ArrayList<>();
        long stepStart = System.nanoTime();
        long deliveredBefore = delivered.sum();
        try {
            SplittableRandom phases = new SplittableRandom(42);
            long periodMicros = Math.round(1e6 / perKiosk);
            for (KioskTraffic p : publishers) {
                // a NettyUplink's kiosk ticks on its own event loop: its publishes need no hand-off
                ScheduledExecutorService on = p.uplink() instanceof NettyUplink u ? u.eventLoop() : ticks;
                scheduled.add(on.scheduleAtFixedRate(p::tick, phases.nextLong(periodMicros), periodMicros,
                        TimeUnit.MICROSECONDS));
            }
            pause(WARM_UP);
            measuring.set(true);
            System.out.println(WINDOW_OPENS);
            String loadBefore = loadAverage();
            long publishedBefore = counters.published.sum();
            long cpuBefore = processCpuNanos();
            ThreadGroupCpu threadsBefore = ThreadGroupCpu.now();
            pause(window);
            long inWindow = counters.published.sum() - publishedBefore;
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            ThreadGroupCpu threadsAfter = ThreadGroupCpu.now();
            System.out.println(WINDOW_CLOSES);
            measuring.set(false);
            String loadAfter = loadAverage();
            scheduled.forEach(f -> f.cancel(false));
            ticks.shutdownNow();
            ticks.awaitTermination(10, TimeUnit.SECONDS);
            if (netty != null) {
                netty.quiesce(); // no tick runs any more
            }
            long drainStart = System.nanoTime();
            boolean drained = awaitTrue("the path drained", DRAIN, () -> settled());
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
            long deliveredInStep = delivered.sum() - deliveredBefore;

            System.out.printf(Locale.ROOT, "[%s] %d kiosks at %.2f readings/s each (%.0f readings/s offered), %d s "
                    + "measured after %d s of warm-up; load average %s at the window's start, %s at its end; the "
                    + "generator's paths: %s%n", mode, n, perKiosk, n * perKiosk, window.toSeconds(),
                    WARM_UP.toSeconds(), loadBefore, loadAfter, paths.variant());
            // The generator's own CPU, for the share of the machine it takes from the broker beside it.
            System.out.printf(Locale.ROOT, "[%s] generator CPU in the window: %.2f s (%.2f cores), %.1f us per reading"
                    + " published%n", mode, cpuSeconds, cpuSeconds / window.toSeconds(),
                    inWindow == 0 ? 0.0 : cpuSeconds * 1e6 / inWindow);
            threadsAfter.print(mode, threadsBefore, inWindow);
            System.out.printf(Locale.ROOT, "[%s] published in the window: %d (%.0f readings/s); delivered in the whole "
                    + "step (warm-up, window, drain: %.1f s) %d, %.0f readings/s%n", mode, inWindow,
                    inWindow / (double) window.toSeconds(), stepSeconds, deliveredInStep,
                    deliveredInStep / stepSeconds);
            Latency spot = latencies.spot();
            Latency batch = latencies.batch();
            Latency both = latencies.all();
            System.out.printf(Locale.ROOT, "[%s] latency kiosk -> %s in the window: all %s; spot %s; batches %s%n",
                    mode, raw ? "subscriber" : "doctor's socket", both, spot, batch);
            System.out.printf(Locale.ROOT, "[%s] totals (whole run, after %s the drain of %.1f s): published %d, "
                    + "refused by a full window %d (not numbered, an agent keeps them), failed after admission %d, "
                    + "PUBACKed %d, store-acknowledged %d, delivered %d; statuses %d%n", mode,
                    drained ? "" : "an unfinished", drainSeconds, counters.published.sum(),
                    counters.refusedByWindow.sum(), counters.failed.sum(), counters.pubacked.sum(), storeAcknowledged(),
                    delivered.sum(), counters.statuses.sum());
            if (netty != null) {
                System.out.printf(Locale.ROOT, "[%s] the Netty kiosks' PUBACK reason codes and connection events (whole "
                        + "run): %s%n", mode, netty.counts.snapshot());
            }
            if (raw) {
                System.out.printf(Locale.ROOT, "[raw] the subscriber reconnected %d times so far after 3 s without a "
                        + "message while readings waited (HiveMQ CE's shared-subscription stall)%n",
                        rawReconnects.sum());
            }
            System.out.printf(Locale.ROOT, "[%s] measurement commands (whole run): %d received, %d command updates "
                    + "PUBACKed%n", mode, counters.commands.sum(), counters.commandUpdates.sum());
            if (!raw) {
                System.out.println("[telekiosk] broker /healthz after the step: " + health(http));
            }
            System.out.printf(Locale.ROOT, "RESULT mode=%s client=%s offered=%.0f throughput=%.0f kiosks=%d window=%d "
                    + "inWindow=%d published=%d refused=%d failed=%d pubacked=%d storeAcked=%d delivered=%d drained=%s "
                    + "p50=%.2f p99=%.2f max=%.2f timed=%d rawReconnects=%d commands=%d commandUpdates=%d paths=%s "
                    + "cpuPerReading=%.1f transport=%s%n", mode,
                    client.name().toLowerCase(Locale.ROOT),
                    n * perKiosk,
                    deliveredInStep / stepSeconds, n, window.toSeconds(), inWindow, counters.published.sum(),
                    counters.refusedByWindow.sum(), counters.failed.sum(), counters.pubacked.sum(), storeAcknowledged(),
                    delivered.sum(), drained, both.p50(), both.p99(), both.max(), both.count(), rawReconnects.sum(),
                    counters.commands.sum(), counters.commandUpdates.sum(), paths.variant(),
                    inWindow == 0 ? 0.0 : cpuSeconds * 1e6 / inWindow, loops.transport().key());
        } finally {
            scheduled.forEach(f -> f.cancel(false));
            ticks.shutdownNow();
        }
    }

    /** CPU time of this whole process (every thread, the JVM's own included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private boolean settled() {
        long sent = counters.published.sum() - counters.failed.sum();
        return counters.pubacked.sum() == sent && delivered.sum() >= sent && (raw || storeAcknowledged() >= sent);
    }

    /** By store-acks (the highest per kiosk, summed) or, where negotiated, by PUBACKs: whichever says more. */
    private long storeAcknowledged() {
        return Math.max(storedThrough.values().stream().mapToLong(Long::longValue).sum(), counters.storedByPuback.sum());
    }

    /** A reading reached its doctor's socket (or the raw subscriber) {@code latencyMicros} after it was complete. */
    private void arrived(boolean spot, long latencyMicros) {
        delivered.increment();
        if (measuring.get()) {
            latencies.add(spot, latencyMicros, !paths.on(GeneratorPaths.Path.LATENCY));
        }
    }

    private String health(HttpClient http) throws Exception {
        return http.send(HttpRequest.newBuilder(plan.https().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Polls {@code condition} every 50 ms up to {@code limit}; false if it never held. */
    private static boolean awaitTrue(String what, Duration limit, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                System.out.println("not within " + limit.toSeconds() + " s: " + what);
                return false;
            }
            pause(Duration.ofMillis(50));
        }
        return true;
    }

    /** The planned run time (what is measured), or a poll interval. */
    private static void pause(Duration duration) throws InterruptedException {
        new CountDownLatch(1).await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
}

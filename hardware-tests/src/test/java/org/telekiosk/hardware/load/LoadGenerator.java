package org.telekiosk.hardware.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.agent.uplink.PahoUplink;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * Issue 16's load generator, meant to run in a process of its own (started by {@link LoadBenchmark}, or by hand
 * against any broker with a plan file). Kiosks publish what an agent publishes at its defaults, phases spread: per
 * kiosk, in turn, an ECG batch (250 samples, 1 s), a pleth batch (100 samples, 1 s) and a spot measurement (so three
 * readings a second at the default rate), plus a status a minute (not a reading). Each kiosk is the agent's real
 * {@link PahoUplink} (mutual TLS, QoS 1, CBOR, its in-flight window) without sampler or outbox; a publish refused by
 * a full window is not numbered (an agent keeps it in its outbox) and counted apart.
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
 * <p>Arguments: {@code plan-file telekiosk|raw seconds [readings per kiosk per second, default 3; a comma-separated list runs one step per rate] [raw MQTT port]}.
 * The plan file (owner-only; it holds tokens and sessions): {@code https <url>}, {@code viewer <wss-uri>},
 * {@code origin <origin>}, then one {@code kiosk <id> <token line> <hello frame>} per kiosk, tab-separated.
 */
public final class LoadGenerator {
    static final Duration WARM_UP = Duration.ofSeconds(5);
    /** Printed (alone on a line) when a step's measured window opens and when it closes, for the harness. */
    static final String WINDOW_OPENS = "WINDOW opens";
    static final String WINDOW_CLOSES = "WINDOW closes";
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    private final Plan plan;
    private final boolean raw;
    private final Duration window;
    private final double[] rates;
    private final int rawPort;
    private final LongAdder published = new LongAdder();
    private final LongAdder refusedByWindow = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder pubacked = new LongAdder();
    /** Readings whose PUBACK was their store acknowledgement (the broker granted telekiosk-ack=puback). */
    private final LongAdder storedByPuback = new LongAdder();
    private final LongAdder statuses = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final ConcurrentHashMap<KioskId, Long> storedThrough = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> spotMicros = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> batchMicros = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final LongAdder rawReconnects = new LongAdder();
    private volatile long lastArrival = System.nanoTime();

    private LoadGenerator(Plan plan, boolean raw, Duration window, double[] rates, int rawPort) {
        this.plan = plan;
        this.raw = raw;
        this.window = window;
        this.rates = rates;
        this.rawPort = rawPort;
    }

    /** What the planner (who holds the admin's and doctors' rights) prepared: tokens and doctors' hello frames. */
    record Plan(Path dir, URI https, URI viewer, String origin, List<Kiosk> kiosks) {
        record Kiosk(KioskId id, String token, String hello) {}

        static Plan read(Path file) throws Exception {
            URI https = null;
            URI viewer = null;
            String origin = null;
            List<Kiosk> kiosks = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "https" -> https = URI.create(f[1]);
                    case "viewer" -> viewer = URI.create(f[1]);
                    case "origin" -> origin = f[1];
                    case "kiosk" -> kiosks.add(new Kiosk(KioskId.of(f[1]), f[2], f[3]));
                    default -> throw new IllegalArgumentException("unknown plan line: " + f[0]);
                }
            }
            return new Plan(file.toAbsolutePath().getParent(), https, viewer, origin, kiosks);
        }

        Path kioskDir(KioskId kiosk) {
            return dir.resolve("kiosks").resolve(kiosk.value());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LoadGenerator plan-file telekiosk|raw seconds [readings/s per kiosk] [raw port]");
            System.exit(2);
        }
        Plan plan = Plan.read(Path.of(args[0]));
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
        new LoadGenerator(plan, raw, Duration.ofSeconds(Long.parseLong(args[2])), rates, rawPort).run();
        System.exit(0);
    }

    private void run() throws Exception {
        String mode = raw ? "raw" : "telekiosk";
        int n = plan.kiosks().size();
        long start = System.nanoTime();
        List<AgentConfig> configs = raw ? loadAll() : enrollAll();
        System.out.printf(Locale.ROOT, "[%s] %d kiosks %s in %.1f s%n", mode, n, raw ? "loaded" : "enrolled",
                (System.nanoTime() - start) / 1e9);
        List<PahoUplink> uplinks = new ArrayList<>();
        ViewerSockets viewers = null;
        int viewerCount = 0;
        MqttClient subscriber = null;
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
                PahoUplink uplink = new PahoUplink(s, config.reconnectPolicy(new SplittableRandom(i)));
                KioskId kiosk = plan.kiosks().get(i).id();
                uplink.addStoreAckListener(ack -> storedThrough.merge(kiosk, ack.storedThrough(), Math::max));
                uplinks.add(uplink);
                uplink.start();
            }
            if (raw) {
                subscriber = rawSubscriber(configs.getFirst());
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
                        });
                // Eight at a time, as the enrollments: the broker closes a socket that has not said hello within
                // 15 s, which a hundred handshakes at once on a busy machine can exceed.
                Semaphore opening = new Semaphore(8);
                List<CompletableFuture<?>> welcomed = new ArrayList<>();
                for (Plan.Kiosk kiosk : plan.kiosks()) {
                    opening.acquire();
                    welcomed.add(viewers.open(kiosk.hello()).whenComplete((c, e) -> opening.release()));
                }
                CompletableFuture.allOf(welcomed.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
                viewerCount = welcomed.size();
                System.out.println("[telekiosk] the doctors' sockets use " + viewers.provider());
            }
            awaitTrue("every kiosk connected", Duration.ofMinutes(3),
                    () -> uplinks.stream().allMatch(PahoUplink::isConnected));
            System.out.printf(Locale.ROOT, "[%s] %d kiosks connected, %d viewer sockets, after %.1f s%n", mode, n,
                    viewerCount, (System.nanoTime() - start) / 1e9);
            if (!raw) {
                System.out.println("[telekiosk] broker /healthz before: " + health(http));
            }

            List<Publisher> publishers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                publishers.add(new Publisher(plan.kiosks().get(i).id(), uplinks.get(i)));
            }
            for (double perKiosk : rates) {
                step(mode, publishers, perKiosk, http);
            }
        } finally {
            if (viewers != null) {
                viewers.close();
            }
            if (subscriber != null) {
                subscriber.disconnectForcibly(1000);
                subscriber.close(true);
            }
            uplinks.forEach(PahoUplink::close);
        }
    }

    /** One rate: publish, warm up, measure the window, stop, drain, print. The totals are the whole run's. */
    private void step(String mode, List<Publisher> publishers, double perKiosk, HttpClient http) throws Exception {
        int n = publishers.size();
        spotMicros.clear();
        batchMicros.clear();
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        long stepStart = System.nanoTime();
        long deliveredBefore = delivered.sum();
        try {
            SplittableRandom phases = new SplittableRandom(42);
            long periodMicros = Math.round(1e6 / perKiosk);
            for (Publisher p : publishers) {
                ticks.scheduleAtFixedRate(p::tick, phases.nextLong(periodMicros), periodMicros, TimeUnit.MICROSECONDS);
            }
            pause(WARM_UP);
            measuring.set(true);
            System.out.println(WINDOW_OPENS);
            String loadBefore = loadAverage();
            long publishedBefore = published.sum();
            long cpuBefore = processCpuNanos();
            pause(window);
            long inWindow = published.sum() - publishedBefore;
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            System.out.println(WINDOW_CLOSES);
            measuring.set(false);
            String loadAfter = loadAverage();
            ticks.shutdownNow();
            ticks.awaitTermination(10, TimeUnit.SECONDS);
            long drainStart = System.nanoTime();
            boolean drained = awaitTrue("the path drained", DRAIN, () -> settled());
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
            long deliveredInStep = delivered.sum() - deliveredBefore;

            System.out.printf(Locale.ROOT, "[%s] %d kiosks at %.2f readings/s each (%.0f readings/s offered), %d s "
                    + "measured after %d s of warm-up; load average %s at the window's start, %s at its end%n", mode,
                    n, perKiosk, n * perKiosk, window.toSeconds(), WARM_UP.toSeconds(), loadBefore, loadAfter);
            // The generator's own CPU, for the share of the machine it takes from the broker beside it.
            System.out.printf(Locale.ROOT, "[%s] generator CPU in the window: %.2f s (%.2f cores), %.1f us per reading"
                    + " published%n", mode, cpuSeconds, cpuSeconds / window.toSeconds(),
                    inWindow == 0 ? 0.0 : cpuSeconds * 1e6 / inWindow);
            System.out.printf(Locale.ROOT, "[%s] published in the window: %d (%.0f readings/s); delivered in the whole "
                    + "step (warm-up, window, drain: %.1f s) %d, %.0f readings/s%n", mode, inWindow,
                    inWindow / (double) window.toSeconds(), stepSeconds, deliveredInStep,
                    deliveredInStep / stepSeconds);
            Latency spot = Latency.of(spotMicros);
            Latency batch = Latency.of(batchMicros);
            List<Long> all = new ArrayList<>(spotMicros);
            all.addAll(batchMicros);
            Latency both = Latency.of(all);
            System.out.printf(Locale.ROOT, "[%s] latency kiosk -> %s in the window: all %s; spot %s; batches %s%n",
                    mode, raw ? "subscriber" : "doctor's socket", both, spot, batch);
            System.out.printf(Locale.ROOT, "[%s] totals (whole run, after %s the drain of %.1f s): published %d, "
                    + "refused by a full window %d (not numbered, an agent keeps them), failed after admission %d, "
                    + "PUBACKed %d, store-acknowledged %d, delivered %d; statuses %d%n", mode,
                    drained ? "" : "an unfinished", drainSeconds, published.sum(), refusedByWindow.sum(), failed.sum(),
                    pubacked.sum(), storeAcknowledged(), delivered.sum(), statuses.sum());
            if (raw) {
                System.out.printf(Locale.ROOT, "[raw] the subscriber reconnected %d times so far after 3 s without a "
                        + "message while readings waited (HiveMQ CE's shared-subscription stall)%n",
                        rawReconnects.sum());
            }
            if (!raw) {
                System.out.println("[telekiosk] broker /healthz after the step: " + health(http));
            }
            System.out.printf(Locale.ROOT, "RESULT mode=%s offered=%.0f throughput=%.0f kiosks=%d window=%d "
                    + "inWindow=%d published=%d refused=%d failed=%d pubacked=%d storeAcked=%d delivered=%d drained=%s "
                    + "p50=%.2f p99=%.2f max=%.2f timed=%d rawReconnects=%d%n", mode, n * perKiosk,
                    deliveredInStep / stepSeconds, n, window.toSeconds(), inWindow, published.sum(),
                    refusedByWindow.sum(), failed.sum(), pubacked.sum(), storeAcknowledged(), delivered.sum(), drained, both.p50(),
                    both.p99(), both.max(), both.count(), rawReconnects.sum());
        } finally {
            ticks.shutdownNow();
        }
    }

    /** CPU time of this whole process (every thread, the JVM's own included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private boolean settled() {
        long sent = published.sum() - failed.sum();
        return pubacked.sum() == sent && delivered.sum() >= sent && (raw || storeAcknowledged() >= sent);
    }

    /** By store-acks (the highest per kiosk, summed) or, where negotiated, by PUBACKs: whichever says more. */
    private long storeAcknowledged() {
        return Math.max(storedThrough.values().stream().mapToLong(Long::longValue).sum(), storedByPuback.sum());
    }

    /** Enrolls every kiosk of the plan (eight at a time) through the broker's enrollment API. */
    private List<AgentConfig> enrollAll() throws Exception {
        Semaphore parallel = new Semaphore(8);
        List<CompletableFuture<AgentConfig>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Plan.Kiosk kiosk : plan.kiosks()) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        return enroll(kiosk);
                    } catch (Exception e) {
                        throw new IllegalStateException("enrolling " + kiosk.id() + ": " + e.getMessage(), e);
                    } finally {
                        parallel.release();
                    }
                }, pool));
            }
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private AgentConfig enroll(Plan.Kiosk kiosk) throws Exception {
        Path dir = Files.createDirectories(plan.kioskDir(kiosk.id()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(plan.https(), kiosk.token(), dir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, "mqtt.reconnect.min=100ms\ndata.dir=agent-data\n", StandardOpenOption.APPEND);
        return AgentConfigLoader.load(config);
    }

    private List<AgentConfig> loadAll() throws Exception {
        List<AgentConfig> configs = new ArrayList<>();
        for (Plan.Kiosk kiosk : plan.kiosks()) {
            configs.add(AgentConfigLoader.load(plan.kioskDir(kiosk.id()).resolve("agent.properties")));
        }
        return configs;
    }

    /** The raw ceiling's subscriber: as the broker's own, in the shared group, but plain Paho with its own PUBACKs. */
    private MqttClient rawSubscriber(AgentConfig any) throws Exception {
        UplinkSettings s = any.uplink();
        var tls = CaTrust.context(s.caFile(), new IdentityKeyManager(s.identity()));
        MqttClient client = new MqttClient("ssl://" + s.serverUri().getHost() + ":" + rawPort, "raw-ceiling-subscriber",
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(7L * 24 * 3600);
        options.setReceiveMaximum(1000);
        options.setKeepAliveInterval(30);
        // A callback, not a listener per subscription: Paho matches listeners against the filter with its $share
        // prefix, which no topic matches.
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Instant received = Instant.now();
                try {
                    switch (CBOR.decode(message.getPayload(), KioskMessage.class)) {
                        case Measurement m -> arrived(true, micros(received) - micros(m.takenAt()));
                        case WaveformBatch b -> arrived(false, micros(received) - micros(b.start().plus(b.duration())));
                        default -> { }
                    }
                } catch (MalformedMessageException e) {
                    System.err.println("an undecodable payload on " + topic + ": " + e.getMessage());
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
                System.err.println("the raw subscriber was disconnected: " + response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                System.err.println("the raw subscriber's error: " + exception);
            }

            @Override
            public void deliveryComplete(IMqttToken token) { }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) { }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) { }
        });
        client.connect(options);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.allKioskChannelsShared(), 1)});
        // HiveMQ CE's stall of a shared QoS 1 subscription (BrokerMqttClient#watchForStalls): the broker's own
        // subscriber reconnects when nothing arrives while readings wait; so does this one, and counts it.
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raw-stall-watch");
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(() -> {
            if (published.sum() - failed.sum() > delivered.sum()
                    && System.nanoTime() - lastArrival > TimeUnit.SECONDS.toNanos(3)) {
                lastArrival = System.nanoTime();
                rawReconnects.increment();
                try {
                    client.disconnectForcibly(0, 1000, false);
                    client.connect(options);
                    client.subscribe(new MqttSubscription[] {
                        new MqttSubscription(Topics.allKioskChannelsShared(), 1)});
                } catch (MqttException e) {
                    System.err.println("the raw subscriber could not reconnect: " + e);
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        return client;
    }

    /** A reading reached its doctor's socket (or the raw subscriber) {@code latencyMicros} after it was complete. */
    private void arrived(boolean spot, long latencyMicros) {
        lastArrival = System.nanoTime();
        delivered.increment();
        if (measuring.get()) {
            (spot ? spotMicros : batchMicros).add(latencyMicros);
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    /** One kiosk's traffic: ECG batch, pleth batch, spot reading in turn; a status every minute. */
    private final class Publisher {
        private static final SensorId THERMOMETER = SensorId.of("mlx90614");
        private static final SensorId ECG = SensorId.of("ads1115");
        private static final SensorId OXIMETER = SensorId.of("max30102");
        private final KioskId kiosk;
        private final PahoUplink uplink;
        private final SplittableRandom random;
        private long seq;
        private long ticks;
        private long nextStatus;

        Publisher(KioskId kiosk, PahoUplink uplink) {
            this.kiosk = kiosk;
            this.uplink = uplink;
            this.random = new SplittableRandom(kiosk.hashCode());
        }

        void tick() {
            Instant now = Instant.now();
            if (System.nanoTime() - nextStatus >= 0) {
                nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                uplink.publish(new KioskStatus(kiosk, now, List.of(
                        new SensorHealth(ECG, SensorState.PRESENT, ""),
                        new SensorHealth(OXIMETER, SensorState.PRESENT, ""),
                        new SensorHealth(THERMOMETER, SensorState.PRESENT, "")), 0, 0, "", 0))
                        .thenRun(statuses::increment);
            }
            long number = seq + 1;
            KioskMessage reading = switch ((int) (ticks++ % 3)) {
                case 0 -> {
                    int[] ecg = new int[250];
                    for (int i = 0; i < ecg.length; i++) {
                        ecg[i] = random.nextInt(-300, 1200); // whole-number steps of 0.0025 mV, as the ADS1115's
                    }
                    yield new WaveformBatch(kiosk, number, ECG, Signal.ECG, UcumUnit.MILLIVOLT, 250,
                            now.minusSeconds(1), 0.0025, IntSamples.of(ecg));
                }
                case 1 -> {
                    int[] pleth = new int[100];
                    for (int i = 0; i < pleth.length; i++) {
                        pleth[i] = random.nextInt(100_000, 200_000); // raw 18-bit counts, as the MAX30102's
                    }
                    yield new WaveformBatch(kiosk, number, OXIMETER, Signal.PLETH, UcumUnit.ARBITRARY, 100,
                            now.minusSeconds(1), 1, IntSamples.of(pleth));
                }
                default -> new Measurement(kiosk, number, THERMOMETER, LoincCode.BODY_TEMPERATURE,
                        36.5 + random.nextInt(50) * 0.02, UcumUnit.CELSIUS, now);
            };
            CompletableFuture<org.telekiosk.agent.uplink.Puback> sent = uplink.publishReading(reading);
            if (sent.isCompletedExceptionally()) {
                refusedByWindow.increment(); // not admitted: the number is used by the next reading
                ticks--;
                return;
            }
            seq = number;
            published.increment();
            sent.whenComplete((what, e) -> {
                (e == null ? pubacked : failed).increment();
                if (what == org.telekiosk.agent.uplink.Puback.STORED) {
                    storedByPuback.increment();
                }
            });
        }
    }

    /** Percentiles in milliseconds. */
    record Latency(long count, double p50, double p99, double max) {
        static Latency of(java.util.Collection<Long> micros) {
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return new Latency(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1e3);
        }

        private static double at(long[] sorted, double p) {
            return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d timed, p50 %.1f ms, p99 %.1f ms, max %.1f ms", count, p50, p99, max);
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

package org.telekiosk.hardware.system;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.uplink.PahoUplink;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * Not a test: end-to-end latency (issue 7) from a kiosk's publish to the doctor's viewer WebSocket, at N simulated
 * kiosks. Starts a real broker in this process (as {@link BrokerExtension} does: embedded HiveMQ, MQTT over mutual
 * TLS, the store on SQLite, the viewer socket over TLS), enrolls N kiosks with one-time tokens (each gets its own key
 * and certificate), and gives each a light-weight publisher: the agent's real {@link PahoUplink} (TLS, QoS 1, CBOR)
 * without sampler or outbox, publishing what a kiosk sends at the agent's defaults, each second: one ECG batch (250
 * samples), one pleth batch (100 samples) and one spot measurement. One viewer socket per kiosk
 * ({@link #connectViewer}) takes that kiosk's readings. Latency = the moment the viewer's socket delivered the frame
 * minus the reading's {@code takenAt} (a measurement) or {@code start + duration} (a batch), both set from the same
 * clock just before the publish. Command and figures: docs/benchmarks.md.
 *
 * <p>Arguments: kiosks (1), seconds measured (30), viewers per kiosk (1; 0 leaves one viewer for all kiosks), and
 * optionally HiveMQ CE's cap of unacknowledged messages per client to use instead of the broker's (50 is HiveMQ's
 * default, which the broker raised), to compare both in one session on a shared machine.
 *
 * <p><b>Flood</b> (issue 14, finding 1): with {@code -Dtelekiosk.bench.flood=1}, one more enrolled kiosk publishes
 * valid spot readings as fast as its connection allows (32 in flight) for the whole run, while the others publish as
 * above; the latencies printed are the other kiosks'. {@code -Dtelekiosk.bench.quota=<per second>} sets
 * {@code mqtt.kiosk-rate-per-second} (and a burst of twice that) for the run, e.g. 100000 (its maximum) to see the
 * flood without the quota.
 */
public final class EndToEndLatencyBenchmark {
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final WireCodec JSON = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);

    private EndToEndLatencyBenchmark() {}

    /** Latencies in microseconds, per kind, recorded only while {@code measuring}. */
    private record Sink(ConcurrentLinkedQueue<Long> spot, ConcurrentLinkedQueue<Long> waveform, AtomicBoolean measuring,
            AtomicLong frames) {
        void accept(Instant received, ViewerEvent event) {
            if (!measuring.get()) {
                return;
            }
            switch (event) {
                case ViewerEvent.Reading r -> spot.add(micros(r.measurement().takenAt(), received));
                case ViewerEvent.Waveform w -> waveform.add(micros(w.batch().start().plus(w.batch().duration()),
                        received));
                default -> { }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int kiosks = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Duration run = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
        boolean viewerPerKiosk = args.length <= 2 || Integer.parseInt(args[2]) > 0;
        int flooders = Integer.getInteger("telekiosk.bench.flood", 0);
        String quota = System.getProperty("telekiosk.bench.quota", "");
        BrokerExtension broker = new BrokerExtension(quota.isEmpty() ? Map.of()
                : Map.of("mqtt.kiosk-rate-per-second", quota, "mqtt.kiosk-burst",
                        Long.toString(Math.min(1_000_000, 2 * Long.parseLong(quota)))));
        broker.beforeAll(null);
        if (args.length > 3) {
            // For comparisons within one session: HiveMQ CE reads its in-flight cap each time it polls a queue.
            com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES =
                    Integer.parseInt(args[3]);
        }
        System.out.println("HiveMQ's cap of unacknowledged messages per client: "
                + com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES);
        Path dir = Files.createTempDirectory("telekiosk-latency");
        Sink sink = new Sink(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new AtomicBoolean(),
                new AtomicLong());
        HttpClient http = HttpClient.newBuilder().sslContext(broker.tls())
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(30)).build();
        List<PahoUplink> uplinks = new ArrayList<>();
        List<WebSocket> viewers = new ArrayList<>();
        ScheduledExecutorService publishers = Executors.newScheduledThreadPool(2);
        AtomicLong published = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try {
            long startNanos = System.nanoTime();
            List<KioskId> ids = new ArrayList<>();
            for (int i = 1; i <= kiosks; i++) {
                KioskId kiosk = KioskId.of(String.format(Locale.ROOT, "latency-%03d", i));
                ids.add(kiosk);
                AgentConfig config = KioskProvisioning.provision(broker, kiosk,
                        Files.createDirectories(dir.resolve(kiosk.value())));
                PahoUplink uplink = new PahoUplink(config.uplink(), config.reconnectPolicy(new SplittableRandom(i)));
                uplinks.add(uplink);
                uplink.start();
                if (viewerPerKiosk || i == 1) {
                    viewers.add(connectViewer(broker, http, viewerPerKiosk ? kiosk : null, sink));
                }
            }
            List<Flood> floods = new ArrayList<>();
            for (int i = 1; i <= flooders; i++) {
                KioskId kiosk = KioskId.of(String.format(Locale.ROOT, "flood-%03d", i));
                AgentConfig config = KioskProvisioning.provision(broker, kiosk,
                        Files.createDirectories(dir.resolve(kiosk.value())));
                PahoUplink uplink = new PahoUplink(config.uplink(), config.reconnectPolicy(new SplittableRandom(-i)));
                uplinks.add(uplink);
                uplink.start();
                floods.add(new Flood(kiosk, uplink));
            }
            Awaitility.await("every kiosk connected").atMost(Duration.ofMinutes(2))
                    .until(() -> uplinks.stream().allMatch(PahoUplink::isConnected));
            floods.forEach(Flood::start);
            System.out.printf(Locale.ROOT, "%d kiosks enrolled and connected, %d viewer sockets, in %.1f s%n", kiosks,
                    viewers.size(), (System.nanoTime() - startNanos) / 1e9);

            SplittableRandom phases = new SplittableRandom(42);
            for (int i = 0; i < kiosks; i++) {
                KiosksLoad load = new KiosksLoad(ids.get(i), uplinks.get(i), published, failed);
                publishers.scheduleAtFixedRate(load::tick, phases.nextLong(1_000), 1_000, TimeUnit.MILLISECONDS);
            }
            pause(WARM_UP);
            sink.measuring().set(true);
            long publishedBefore = published.get();
            Counters before = Counters.of(broker, published);
            pause(run);
            long publishedDuring = published.get() - publishedBefore;
            sink.measuring().set(false);
            Counters after = Counters.of(broker, published);
            report(kiosks, run, sink, publishedDuring, failed.get(), viewerPerKiosk);
            System.out.println("in the window, at each step of the path: " + after.minus(before));
            System.out.println("backlog at the end (published - step): " + after.backlog());
            floods.forEach(Flood::stop);
            floods.forEach(f -> System.out.println(f.report(broker)));
        } finally {
            publishers.shutdownNow();
            viewers.forEach(WebSocket::abort);
            uplinks.forEach(PahoUplink::close);
            broker.afterAll(null);
        }
    }

    /**
     * Opens one doctor's viewer socket that hands {@code kiosk}'s readings (every kiosk's if null) to {@code sink}.
     * Today {@code /ws/viewer} sends every kiosk's readings to every viewer without authentication, so the socket
     * filters here; once the socket takes a hello frame with a doctor's credential for a consultation, this is the one
     * place to send it (and the filter goes: the broker sends only that consultation's kiosk).
     */
    private static WebSocket connectViewer(BrokerExtension broker, HttpClient http, KioskId kiosk, Sink sink) {
        if (kiosk == null) {
            throw new IllegalArgumentException("a vitals socket sees only its consultation's kiosk: one viewer for all "
                    + "kiosks (third argument 0) no longer exists");
        }
        // As a doctor's call view: a doctor of a room consultation with this kiosk's patient in the call, hello first.
        var access = broker.broker().access();
        var doctor = VitalsFixture.account(access, "dr-" + kiosk.value(),
                Role.DOCTOR);
        var consultation = VitalsFixture.inCall(access, doctor, kiosk);
        String hello = VitalsFixture.hello(
                VitalsFixture.login(access, doctor), consultation.id());
        String mine = kiosk == null ? null : "\"kiosk\":\"" + kiosk.value() + "\"";
        Consumer<String> frames = text -> {
            Instant received = Instant.now();
            sink.frames().incrementAndGet();
            if (mine != null && !text.contains(mine)) {
                return;
            }
            try {
                sink.accept(received, JSON.decode(text, ViewerEvent.class));
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("the broker sent a frame the protocol refuses: " + e.getMessage());
            }
        };
        return http.newWebSocketBuilder().header("Origin", broker.origin())
                .buildAsync(broker.viewerSocket(), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.accept(partial.toString());
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).thenCompose(socket -> socket.sendText(hello, true)).join();
    }

    /** One kiosk publishing valid spot readings as fast as 32 in flight allow, on a thread of its own. */
    private static final class Flood {
        private final KioskId kiosk;
        private final PahoUplink uplink;
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicLong throttled = new AtomicLong();
        private final AtomicLong other = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        Flood(KioskId kiosk, PahoUplink uplink) {
            this.kiosk = kiosk;
            this.uplink = uplink;
        }

        void start() {
            thread = Thread.ofPlatform().name("flood-" + kiosk.value()).daemon().start(this::run);
        }

        private void run() {
            long seq = 0;
            while (running) {
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                uplink.publish(new Measurement(kiosk, ++seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                        36.6, UcumUnit.CELSIUS, Instant.now())).whenComplete((ok, failure) -> {
                            inFlight.release();
                            if (failure == null) {
                                acknowledged.incrementAndGet();
                            } else if (org.telekiosk.agent.uplink.UplinkException.of(failure).reason()
                                    == org.telekiosk.agent.uplink.UplinkException.Reason.THROTTLED) {
                                throttled.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        });
            }
        }

        void stop() {
            running = false;
            thread.interrupt();
        }

        String report(BrokerExtension broker) {
            return String.format(Locale.ROOT, "flooding kiosk %s: %d publishes PUBACKed 0x00, %d answered 0x97 (the"
                    + " broker counted %d over quota), %d failed otherwise", kiosk, acknowledged.get(),
                    throttled.get(), broker.broker().mqtt().overQuota(kiosk), other.get());
        }
    }

    /** What one kiosk publishes each second at the agent's defaults: an ECG batch, a pleth batch, a spot reading. */
    private static final class KiosksLoad {
        private static final SensorId THERMOMETER = SensorId.of("mlx90614");
        private static final SensorId ECG = SensorId.of("ads1115");
        private static final SensorId OXIMETER = SensorId.of("max30102");
        private final KioskId kiosk;
        private final PahoUplink uplink;
        private final AtomicLong published;
        private final AtomicLong failed;
        private final SplittableRandom random;
        private long seq;

        KiosksLoad(KioskId kiosk, PahoUplink uplink, AtomicLong published, AtomicLong failed) {
            this.kiosk = kiosk;
            this.uplink = uplink;
            this.published = published;
            this.failed = failed;
            this.random = new SplittableRandom(kiosk.hashCode());
        }

        void tick() {
            Instant now = Instant.now();
            List<Integer> ecg = new ArrayList<>(250);
            for (int i = 0; i < 250; i++) {
                ecg.add(random.nextInt(-300, 1200)); // whole-number steps of 0.0025 mV, as the ADS1115's
            }
            List<Integer> pleth = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                pleth.add(random.nextInt(100_000, 200_000)); // raw 18-bit counts, as the MAX30102's
            }
            send(new WaveformBatch(kiosk, ++seq, ECG, Signal.ECG, UcumUnit.MILLIVOLT, 250,
                    now.minusSeconds(1), 0.0025, ecg));
            send(new WaveformBatch(kiosk, ++seq, OXIMETER, Signal.PLETH, UcumUnit.ARBITRARY, 100,
                    now.minusSeconds(1), 1, pleth));
            send(new Measurement(kiosk, ++seq, THERMOMETER, LoincCode.BODY_TEMPERATURE,
                    36.5 + random.nextInt(50) * 0.02, UcumUnit.CELSIUS, Instant.now()));
        }

        private void send(KioskMessage message) {
            published.incrementAndGet();
            uplink.publish(message).exceptionally(e -> {
                failed.incrementAndGet();
                return null;
            });
        }
    }

    /**
     * Where readings are on the path: published by the kiosks (handed to Paho), received by HiveMQ, accepted by the
     * intake (decoded), stored (committed), acknowledged to MQTT, frames delivered to / skipped for viewer sockets.
     */
    private record Counters(long published, long intoMqtt, long accepted, long stored, long acknowledged,
            long delivered, long skipped) {
        static Counters of(BrokerExtension extension, AtomicLong published) {
            var b = extension.broker();
            return new Counters(published.get(), b.mqtt().incomingPublishes(), b.intake().acceptedCount(),
                    b.store().counters().stored(), b.intakeAcknowledged(), b.viewers().deliveredCount(),
                    b.viewers().skippedCount());
        }

        Counters minus(Counters o) {
            return new Counters(published - o.published, intoMqtt - o.intoMqtt, accepted - o.accepted,
                    stored - o.stored, acknowledged - o.acknowledged, delivered - o.delivered, skipped - o.skipped);
        }

        String backlog() {
            // HiveMQ's count also holds the broker's own store acknowledgements to the kiosks (QoS 0 publishes).
            return String.format(Locale.ROOT, "not yet in HiveMQ %d, in HiveMQ not yet accepted %d (both skewed by the"
                    + " broker's store-ack publishes), accepted not yet stored %d", published - intoMqtt,
                    intoMqtt - accepted, accepted - stored);
        }
    }

    private static void report(int kiosks, Duration run, Sink sink, long published, long failed,
            boolean viewerPerKiosk) {
        System.out.printf(Locale.ROOT, "%d kiosks, %d s measured after %d s of warm-up: %d readings published"
                + " (%d publishes failed in all), %d frames reached viewer sockets (every kiosk's, before filtering)%n",
                kiosks, run.toSeconds(), WARM_UP.toSeconds(), published, failed, sink.frames().get());
        print("spot measurements, takenAt -> viewer", sink.spot());
        print("ECG and pleth batches, end of batch -> viewer", sink.waveform());
        long received = sink.spot().size() + sink.waveform().size();
        System.out.printf(Locale.ROOT, "readings timed at %s: %d of %d published in the window%n",
                viewerPerKiosk ? "their kiosk's viewer" : "the one viewer", received, published);
    }

    private static void print(String what, ConcurrentLinkedQueue<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            System.out.println(what + ": none received");
            return;
        }
        System.out.printf(Locale.ROOT, "%s: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted.length,
                at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1e3);
    }

    private static double at(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1_000;
    }

    /** The benchmark's planned run time (what is measured, not synchronisation). */
    private static void pause(Duration duration) throws InterruptedException {
        new CountDownLatch(1).await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
}

package org.telekiosk.hardware.call;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.hardware.system.AgentProcess;
import org.telekiosk.hardware.system.KioskProvisioning;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.relay.Counters;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The vitals half of {@link RuralCallBenchmarkTest}: the real edge agent (simulated sensors, the kiosk's default
 * schedules: all five sensors, the ECG streaming) in the kiosk browser's namespace, so that its MQTT connection
 * crosses the same impaired link as the call's media, and a doctor's vitals socket ({@code /ws/viewer}, hello for a
 * room consultation with this kiosk's patient in the call) on this host. Each reading's latency = the moment the
 * viewer socket delivered it minus its {@code takenAt} (a waveform batch: its last sample's time); agent and test
 * share this machine's clock. At the end the agent is stopped (SIGTERM: its outbox commits) and the link left as it
 * is until the store holds every reading; then lost = sequence numbers the store or the viewer never saw, twice =
 * readings the viewer got more than once. The agent's directory is deleted after a run that finished (kept, with
 * its {@code agent.log}, after one that did not).
 */
final class VitalsBesideCall implements AutoCloseable {
    private static final WireCodec JSON = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    /** A run's vitals figures; NaN where none. */
    record Figures(int count, double p50Ms, double p99Ms, double maxMs, long lostAtViewer, long lostInStore,
            long twiceAtViewer, long storedTwice, double bitsPerSecondUp, long highest) {
        static Figures none() {
            return new Figures(0, Double.NaN, Double.NaN, Double.NaN, -1, -1, -1, -1, Double.NaN, 0);
        }
    }

    private final BrokerExtension broker;
    private final KioskId kiosk;
    private final Path dir;
    private final WebSocket viewer;
    private final Map<Long, Instant> received = new ConcurrentHashMap<>();
    private final Map<Long, Instant> takenAt = new ConcurrentHashMap<>();
    private final AtomicLong twice = new AtomicLong();
    private AgentProcess agent;
    private volatile boolean finished;

    private VitalsBesideCall(BrokerExtension broker, KioskId kiosk, Path dir) {
        this.broker = broker;
        this.kiosk = kiosk;
        this.dir = dir;
        this.viewer = connectViewer();
    }

    /**
     * Enrolls {@code kiosk} (a one-time token, the agent's own enrollment) into a new directory, points its MQTT at
     * {@code brokerName} (the link's host end in the namespace, same port) and opens the doctor's vitals socket.
     */
    static VitalsBesideCall prepare(BrokerExtension broker, KioskId kiosk, String brokerName) throws Exception {
        Path dir = Files.createTempDirectory("telekiosk-rural-vitals-");
        KioskProvisioning.provision(broker, kiosk, dir);
        int mqtt = broker.broker().mqttPort();
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, Files.readString(config).replace("ssl://localhost:" + mqtt,
                "ssl://" + brokerName + ":" + mqtt));
        return new VitalsBesideCall(broker, kiosk, dir);
    }

    /** Starts the agent with {@code prefix} (the namespace's {@code ip netns exec …}). */
    void start(List<String> prefix) throws IOException {
        agent = AgentProcess.start(dir, prefix);
    }

    private WebSocket connectViewer() {
        var access = broker.broker().access();
        var doctor = VitalsFixture.account(access, "dr-vitals-" + kiosk.value(), Role.DOCTOR);
        var consultation = VitalsFixture.inCall(access, doctor, kiosk);
        String hello = VitalsFixture.hello(VitalsFixture.login(access, doctor), consultation.id());
        HttpClient http = HttpClient.newBuilder().sslContext(broker.tls()).build();
        return http.newWebSocketBuilder().header("Origin", broker.origin())
                .buildAsync(broker.viewerSocket(), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frame(Instant.now(), partial.toString());
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).thenCompose(socket -> socket.sendText(hello, true)).join();
    }

    private void frame(Instant at, String text) {
        ViewerEvent event;
        try {
            event = JSON.decode(text, ViewerEvent.class);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("the broker sent a frame the protocol refuses: " + e.getMessage());
        }
        long seq;
        Instant taken;
        switch (event) {
            case ViewerEvent.Reading r -> {
                seq = r.measurement().seq();
                taken = r.measurement().takenAt();
            }
            case ViewerEvent.Waveform w -> {
                seq = w.batch().seq();
                taken = w.batch().start().plus(w.batch().duration());
            }
            default -> {
                return;
            }
        }
        takenAt.putIfAbsent(seq, taken);
        if (received.putIfAbsent(seq, at) != null) {
            twice.incrementAndGet();
        }
    }

    /** Readings the viewer has received so far. */
    int receivedCount() {
        return received.size();
    }

    /**
     * Stops the agent (its outbox commits what is queued), waits until the store holds every reading up to the
     * highest sequence number and the viewer has seen as many, and gives the figures of the readings taken in
     * {@code [from, to)}. {@code bytesUp}: the MQTT relay's bytes towards the broker over {@code [from, to)}.
     */
    Figures finish(Instant from, Instant to, long bytesUp) throws Exception {
        if (agent != null) {
            agent.close();
        }
        MeasurementStore store = broker.broker().store();
        String context = "kiosk " + kiosk + ", agent log " + dir.resolve("agent.log");
        Awaitility.await(context).atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            KioskProgress progress = store.progress(kiosk).get();
            return progress.highest() > 0 && progress.contiguous() == progress.highest();
        });
        long highest = store.progress(kiosk).get().highest();
        try {
            Awaitility.await(context).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> received.keySet().stream().filter(s -> s <= highest).count() >= highest);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted below as lost at the viewer
        }
        long lostAtViewer = 0;
        for (long seq = 1; seq <= highest; seq++) {
            if (!received.containsKey(seq)) {
                lostAtViewer++;
            }
        }
        long stored = store.count(kiosk).get();
        long lostInStore = store.lostRanges(kiosk).get().size() + Math.max(0, highest - stored);
        List<Long> latencies = new ArrayList<>();
        received.forEach((seq, at) -> {
            Instant taken = takenAt.get(seq);
            if (!taken.isBefore(from) && taken.isBefore(to)) {
                latencies.add(Duration.between(taken, at).toMillis());
            }
        });
        latencies.sort(Long::compare);
        finished = true;
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        if (latencies.isEmpty()) {
            return new Figures(0, Double.NaN, Double.NaN, Double.NaN, lostAtViewer, lostInStore, twice.get(),
                    Math.max(0, stored - highest), bytesUp * 8 / seconds, highest);
        }
        return new Figures(latencies.size(), percentile(latencies, 50), percentile(latencies, 99),
                latencies.getLast(), lostAtViewer, lostInStore, twice.get(), Math.max(0, stored - highest),
                bytesUp * 8 / seconds, highest);
    }

    /** The MQTT relay's bytes towards the broker. */
    static long bytesUp(Counters mqtt) {
        return mqtt.bytesCount(Direction.UP);
    }

    private static double percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    @Override
    public void close() throws Exception {
        try {
            if (agent != null && agent.isAlive()) {
                agent.kill();
            }
        } finally {
            viewer.abort();
            if (finished) {
                // the agent's directory (its key, outbox and log) goes; after a failure it stays for the log
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }
}

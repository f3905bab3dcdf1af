package org.telekiosk.agent.uplink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.agent.outbox.OutboxSettings;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * Not a test: a backlog of readings (1,000,000 by default) in the outbox, then the uplink connects to an embedded
 * HiveMQ (TLS, receive maximum 10) and drains it through {@link OutboxSender} while a live reading is recorded every
 * 100 ms. Prints the time to fill the outbox, the drain time and rate, and the latency of the live readings (record
 * to arrival at a subscriber) during the drain. Arguments: backlog size, drain rate (readings/s; default unlimited).
 * Command and figures: docs/benchmarks.md.
 */
public final class OutboxDrainBenchmark {
    private static final KioskId KIOSK = KioskId.of("bench-kiosk");
    private static final SensorId LIVE = SensorId.of("hx711");

    private OutboxDrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int drainRate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        EmbeddedBroker broker = new EmbeddedBroker();
        broker.beforeAll(null);
        Path dir = Files.createTempDirectory(Path.of("target"), "drain-benchmark-");
        OutboxSettings settings = new OutboxSettings(dir, 64L << 30, SyncPolicy.FULL, drainRate, Duration.ofSeconds(1));
        try (Outbox outbox = Outbox.open(settings, Clock.systemUTC())) {
            long fillStart = System.nanoTime();
            for (int i = 0; i < backlog; i++) {
                outbox.record(seq -> new Measurement(KIOSK, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                        36.6, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z").plusMillis(seq)));
                while (outbox.committedSeq() < i - 50_000) {
                    // The writer is far behind: let it catch up instead of filling its queue (which would drop).
                    Thread.onSpinWait();
                }
            }
            while (outbox.committedSeq() < backlog) {
                Thread.onSpinWait();
            }
            double fill = (System.nanoTime() - fillStart) / 1e9;
            System.out.printf(Locale.ROOT, "filled %,d readings in %.1f s (%,.0f/s), file %,d bytes%n", backlog, fill,
                    backlog / fill, Files.size(dir.resolve(Outbox.FILE_NAME)));

            Arrivals arrivals = new Arrivals(broker, backlog);
            try (PahoUplink uplink = new PahoUplink(UplinkFixtures.settings(broker, KIOSK.value(), 32),
                    UplinkFixtures.quickReconnect());
                    OutboxSender sender = new OutboxSender(outbox, uplink, settings, System::nanoTime)) {
                sender.start();
                long drainStart = System.nanoTime();
                uplink.start();
                Thread live = Thread.ofPlatform().name("live").start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            outbox.record(seq -> new Measurement(KIOSK, seq, LIVE, LoincCode.BODY_WEIGHT, 72.0,
                                    UcumUnit.KILOGRAM, Instant.now()));
                            new CountDownLatch(1).await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                arrivals.backlogDone.await();
                double drain = (System.nanoTime() - drainStart) / 1e9;
                live.interrupt();
                List<Long> latencies = new ArrayList<>(arrivals.liveLatencyMicros);
                latencies.sort(null);
                System.out.printf(Locale.ROOT, "drained %,d readings in %.1f s (%,.0f/s, drain rate limit %,d/s); "
                                + "%d live readings during the drain: latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        backlog, drain, backlog / drain, drainRate, latencies.size(),
                        at(latencies, 0.5) / 1e3, at(latencies, 0.99) / 1e3,
                        latencies.isEmpty() ? 0 : latencies.getLast() / 1e3);
            }
            arrivals.close();
        } finally {
            broker.afterAll(null);
        }
    }

    private static double at(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    /** Counts backlog arrivals and times live ones. */
    private static final class Arrivals implements MqttCallback {
        private final WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        private final MqttAsyncClient client;
        private final int backlog;
        private final AtomicLong backlogArrived = new AtomicLong();
        final CountDownLatch backlogDone = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Long> liveLatencyMicros = new ConcurrentLinkedQueue<>();
        private final java.util.BitSet seen = new java.util.BitSet();

        Arrivals(EmbeddedBroker broker, int backlog) throws Exception {
            this.backlog = backlog;
            client = new MqttAsyncClient(broker.uri().toString(), EmbeddedBroker.SUBSCRIBER, new MemoryPersistence());
            client.setCallback(this);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName(EmbeddedBroker.SUBSCRIBER);
            options.setPassword(broker.passwordOf(EmbeddedBroker.SUBSCRIBER).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            options.setSocketFactory(CaTrust.socketFactory(broker.caPem()));
            options.setReceiveMaximum(1000);
            client.connect(options).waitForCompletion(10_000);
            client.subscribe(Topics.measurements(KIOSK), 1).waitForCompletion(10_000);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            Measurement m = cbor.decode(message.getPayload(), Measurement.class);
            if (m.sensor().equals(LIVE)) {
                liveLatencyMicros.add(Duration.between(m.takenAt(), Instant.now()).toNanos() / 1000);
            } else if (m.seq() <= backlog) {
                synchronized (seen) {
                    if (!seen.get((int) m.seq())) {
                        seen.set((int) m.seq());
                        if (backlogArrived.incrementAndGet() == backlog) {
                            backlogDone.countDown();
                        }
                    }
                }
            }
        }

        void close() throws MqttException {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}

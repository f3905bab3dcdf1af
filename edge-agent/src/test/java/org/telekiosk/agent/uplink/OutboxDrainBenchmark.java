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
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.agent.outbox.OutboxSettings;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * Not a test: a backlog of readings (1,000,000 by default) in the outbox, then the uplink connects to an embedded
 * HiveMQ (TLS, receive maximum 10) and drains it through {@link OutboxSender} while a live reading is recorded every
 * 100 ms. Prints the time to fill the outbox, the drain time and rate, and the latency of the live readings during
 * the drain, from {@code record()} to the MQTT broker's PUBACK (the broker has it then; a subscriber of the test
 * broker, whose queue limit is HiveMQ's default, would see HiveMQ discard part of a million-reading burst). Arguments: backlog size, drain rate (readings/s; default unlimited).
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

            Timing timing = new Timing(backlog);
            try (PahoUplink paho = new PahoUplink(UplinkFixtures.settings(broker, KIOSK.value(), 32),
                    UplinkFixtures.quickReconnect());
                    OutboxSender sender = new OutboxSender(outbox, timing.around(paho), settings, System::nanoTime)) {
                sender.start();
                long drainStart = System.nanoTime();
                paho.start();
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
                timing.backlogDone.await();
                double drain = (System.nanoTime() - drainStart) / 1e9;
                live.interrupt();
                List<Long> latencies = new ArrayList<>(timing.liveLatencyMicros);
                latencies.sort(null);
                System.out.printf(Locale.ROOT, "drained %,d readings in %.1f s (%,.0f/s, drain rate limit %,d/s, "
                                + "window %d); %d live readings during the drain, record() to PUBACK: p50 %.1f ms, "
                                + "p99 %.1f ms, max %.1f ms%n",
                        backlog, drain, backlog / drain, drainRate, paho.status().window(), latencies.size(),
                        at(latencies, 0.5) / 1e3, at(latencies, 0.99) / 1e3,
                        latencies.isEmpty() ? 0 : latencies.getLast() / 1e3);
            }
        } finally {
            broker.afterAll(null);
        }
    }

    private static double at(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    /**
     * Wraps the uplink: counts the backlog readings the MQTT broker acknowledged (each once) and times live ones
     * from {@code record()} (their {@code takenAt}) to their PUBACK, the moment the broker has them.
     */
    private static final class Timing {
        private final int backlog;
        private final java.util.BitSet acked = new java.util.BitSet();
        private int ackedCount;
        final CountDownLatch backlogDone = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Long> liveLatencyMicros = new ConcurrentLinkedQueue<>();

        Timing(int backlog) {
            this.backlog = backlog;
        }

        Uplink around(Uplink delegate) {
            return new Uplink() {
                @Override
                public void start() {
                    delegate.start();
                }

                @Override
                public java.util.concurrent.CompletableFuture<Void> publish(
                        KioskMessage message) {
                    var ack = delegate.publish(message);
                    if (message instanceof Measurement m) {
                        ack.thenRun(() -> acknowledged(m));
                    }
                    return ack;
                }

                @Override
                public boolean isConnected() {
                    return delegate.isConnected();
                }

                @Override
                public void addConnectedListener(Runnable listener) {
                    delegate.addConnectedListener(listener);
                }

                @Override
                public void addStoreAckListener(java.util.function.Consumer<StoreAck> listener) {
                    delegate.addStoreAckListener(listener);
                }

                @Override
                public void close() {
                    delegate.close();
                }
            };
        }

        private void acknowledged(Measurement m) {
            if (m.sensor().equals(LIVE)) {
                liveLatencyMicros.add(Duration.between(m.takenAt(), Instant.now()).toNanos() / 1000);
            } else if (m.seq() <= backlog) {
                synchronized (acked) {
                    if (!acked.get((int) m.seq())) {
                        acked.set((int) m.seq());
                        if (++ackedCount == backlog) {
                            backlogDone.countDown();
                        }
                    }
                }
            }
        }
    }
}

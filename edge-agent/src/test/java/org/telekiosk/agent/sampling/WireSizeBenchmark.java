package org.telekiosk.agent.sampling;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * Not a test: bytes on the wire per reading (issue 7). Runs the agent's sampler with all five simulated sensors at the
 * agent's default batch sizes (ECG 250 Hz in 1 s batches, pleth in 1 s batches) for a while, plus one blood-pressure
 * measurement and one status, and prints for each kind of reading the payload in CBOR (what the agent sends,
 * {@link WireCodec#cbor}) and in JSON ({@link WireCodec#json}, for comparison), the MQTT 5 PUBLISH packet as Paho
 * encodes it (fixed header, topic, packet identifier, properties), and what TLS and TCP add by estimate. Command and
 * figures: docs/benchmarks.md.
 */
public final class WireSizeBenchmark {
    /** A kiosk id of the length the deployment uses ({@code wmk-lab-03}); it is in every payload and every topic. */
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    /** TLS 1.3 with AES-GCM: 5 bytes of record header, 1 of inner content type, 16 of tag, per record. */
    private static final int TLS_RECORD = 22;
    /** IPv4 (20) and TCP with timestamps (32) per segment; a small publish is one segment. */
    private static final int TCP_IP = 52;

    private WireSizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30);
        Path dataDir = Files.createTempDirectory("telekiosk-wire-size");
        ConcurrentLinkedQueue<KioskMessage> sent = new ConcurrentLinkedQueue<>();
        try (SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL, SimulatedPatient.DEFAULT, 1)) {
            kiosk.startClock();
            SensorHealthBoard health = new SensorHealthBoard(kiosk.kioskSensors().ids(), () -> { });
            ReadingOutlet outlet = new ReadingOutlet(KIOSK, SequenceCounter.open(dataDir), sent::add);
            try (Sampler sampler = new Sampler(kiosk.kioskSensors(), outlet, health,
                    Timeline.start(Clock.systemUTC(), System::nanoTime))) {
                sampler.start();
                sampler.measureBloodPressure().get(120, TimeUnit.SECONDS);
                new CountDownLatch(1).await(run.toMillis(), TimeUnit.MILLISECONDS);
            }
            long highest = sent.stream().mapToLong(WireSizeBenchmark::seqOf).max().orElse(0);
            // A status as the agent sends it at least once a minute: every sensor, some readings queued.
            sent.add(new KioskStatus(KIOSK, Instant.now(), health.snapshot(), 12, 0, "", highest - 11));
        }
        report(List.copyOf(sent), run);
    }

    private static void report(List<KioskMessage> messages, Duration run) {
        WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        WireCodec json = WireCodec.json(WireCodec.DEFAULT_MAX_BYTES);
        Map<String, long[]> kinds = new TreeMap<>(); // kind -> {count, cbor, json, publish header, samples}
        for (KioskMessage message : messages) {
            byte[] payload = cbor.encode(message);
            long[] sums = kinds.computeIfAbsent(kindOf(message), k -> new long[5]);
            sums[0]++;
            sums[1] += payload.length;
            sums[2] += json.encode(message).length;
            sums[3] += publishHeader(message, payload);
            sums[4] += message instanceof WaveformBatch batch ? batch.samples().size() : 0;
        }
        System.out.printf(Locale.ROOT, "%d messages in %d s, kiosk id '%s' (%d characters), topic %s (%d bytes)%n",
                messages.size(), run.toSeconds(), KIOSK, KIOSK.value().length(), Topics.measurements(KIOSK),
                Topics.measurements(KIOSK).getBytes(StandardCharsets.UTF_8).length);
        System.out.printf(Locale.ROOT, "%-44s %6s %8s %8s %6s %10s %10s %8s%n", "kind", "count", "CBOR", "JSON",
                "JSON/C", "MQTT hdr", "PUBLISH", "+TLS+TCP");
        for (Map.Entry<String, long[]> kind : kinds.entrySet()) {
            long[] s = kind.getValue();
            double n = s[0];
            double payload = s[1] / n;
            double header = s[3] / n;
            System.out.printf(Locale.ROOT, "%-44s %6d %8.1f %8.1f %6.2f %10.1f %10.1f %8.1f%n", kind.getKey(), s[0],
                    payload, s[2] / n, (double) s[2] / s[1], header, payload + header,
                    payload + header + TLS_RECORD + TCP_IP);
        }
        for (Map.Entry<String, long[]> kind : kinds.entrySet()) {
            long[] s = kind.getValue();
            if (s[4] > 0) {
                double batches = s[0];
                double samplesPerBatch = s[4] / batches;
                double rate = kind.getKey().startsWith("ECG") ? 250 : samplesPerBatch; // pleth: 1 s batches
                double batchesPerSecond = rate / samplesPerBatch;
                double cborPerSecond = s[1] / batches * batchesPerSecond;
                double jsonPerSecond = s[2] / batches * batchesPerSecond;
                double publishPerSecond = (s[1] + s[3]) / batches * batchesPerSecond;
                System.out.printf(Locale.ROOT,
                        "%s: %.0f samples per batch, %.2f bytes per sample in CBOR; per second: CBOR %.0f B, JSON %.0f"
                                + " B, PUBLISH %.0f B, with TLS and TCP/IP %.0f B (%.1f kbit/s)%n",
                        kind.getKey(), samplesPerBatch, s[1] / (double) s[4], cborPerSecond, jsonPerSecond,
                        publishPerSecond, publishPerSecond + (TLS_RECORD + TCP_IP) * batchesPerSecond,
                        (publishPerSecond + (TLS_RECORD + TCP_IP) * batchesPerSecond) * 8 / 1000);
            }
        }
        System.out.printf(Locale.ROOT, "per PUBLISH beyond the MQTT packet (estimate): TLS 1.3 record %d B, IPv4+TCP "
                + "%d B per segment; the broker's PUBACK (4 B, %d B with TLS and TCP/IP) comes back%n",
                TLS_RECORD, TCP_IP, 4 + TLS_RECORD + TCP_IP);
    }

    /** The PUBLISH packet's bytes before the payload, as Paho encodes them: QoS 1, no properties set by the agent. */
    private static int publishHeader(KioskMessage message, byte[] payload) {
        try {
            String topic = message instanceof KioskStatus ? Topics.status(KIOSK) : Topics.measurements(KIOSK);
            MqttMessage mqtt = new MqttMessage(payload);
            mqtt.setQos(1);
            MqttPublish publish = new MqttPublish(topic, mqtt, new MqttProperties());
            publish.setMessageId(1);
            return publish.getHeader().length;
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode the PUBLISH header", e);
        }
    }

    private static String kindOf(KioskMessage message) {
        return switch (message) {
            case Measurement m -> "Measurement " + m.sensor().value() + " " + m.loinc().value() + " ("
                    + m.unit().value() + ")";
            case WaveformBatch w -> w.signal() + " batch (" + w.sensor().value() + ")";
            case KioskStatus s -> "KioskStatus (" + s.sensors().size() + " sensors)";
            case org.telekiosk.protocol.telemetry.CommandUpdate u -> "CommandUpdate " + u.state();
            case org.telekiosk.protocol.telemetry.Presence p -> "Presence " + p.state();
        };
    }

    private static long seqOf(KioskMessage message) {
        return switch (message) {
            case Measurement m -> m.seq();
            case WaveformBatch w -> w.seq();
            case KioskStatus s -> 0;
            case org.telekiosk.protocol.telemetry.CommandUpdate u -> 0;
            case org.telekiosk.protocol.telemetry.Presence p -> 0;
        };
    }
}

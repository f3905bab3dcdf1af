package org.telekiosk.broker.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.telekiosk.broker.mqtt.MqttPacketLimit;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RawMqtt;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.Topics;

/**
 * Not a test: the broker's heap while an enrolled kiosk sends oversized publishes (issue 14, finding 2). Starts a real
 * broker in this process (as {@link BrokerExtension} does), then N times: connects as the kiosk, announces a PUBLISH
 * of {@code megabytes} MB, writes the first 69,632 bytes of its payload, reads the DISCONNECT (0x95). Prints the heap
 * in use after a GC before the first and after the last, and the peak of every heap pool in between (reset before
 * the first). Before the maximum packet size, one 200 MB publish took the heap from 754 to 2,043 MiB. Command and
 * figures: docs/benchmarks.md.
 *
 * <p>Arguments: publishes (20), megabytes each (200).
 */
public final class OversizedPublishHeapBenchmark {
    private OversizedPublishHeapBenchmark() {}

    public static void main(String[] args) throws Exception {
        int publishes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        BrokerExtension broker = new BrokerExtension(Map.of());
        broker.beforeAll(null);
        try {
            TestKiosk kiosk = TestKiosk.enroll(broker, KioskId.of("heap-flood"));
            int limit = MqttPacketLimit.forPayload(65536);
            long before = usedAfterGc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            int disconnected = 0;
            long start = System.nanoTime();
            for (int i = 0; i < publishes; i++) {
                try (RawMqtt client = RawMqtt.connect("localhost", broker.broker().mqttPort(), kiosk.tls(),
                        kiosk.id().value())) {
                    client.publishHeader(Topics.measurements(kiosk.id()), megabytes << 20);
                    try {
                        client.write(new byte[limit]);
                    } catch (java.io.IOException closedWhileWriting) {
                        // the server may close before the bytes are written
                    }
                    if (client.awaitDisconnectReason() == 0x95) {
                        disconnected++;
                    }
                }
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long after = usedAfterGc();
            System.out.printf(Locale.ROOT, "%d publishes of %d MB announced in %d s, %d ended with DISCONNECT 0x95;"
                    + " heap in use after GC: %d MiB before, %d MiB after; peak of the heap pools in between (sum):"
                    + " %d MiB; max heap %d MiB%n", publishes, megabytes, seconds, disconnected, before >> 20,
                    after >> 20, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            broker.afterAll(null);
        }
    }

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

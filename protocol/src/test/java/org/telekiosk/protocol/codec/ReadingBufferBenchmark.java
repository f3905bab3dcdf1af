package org.telekiosk.protocol.codec;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Not a test: what the broker's in-process intake pays to decode a reading that HiveMQ hands as a read-only buffer,
 * the way it did (the payload copied into a new array, then the fast path over the array) against the way it does
 * now ({@link WireCodec#decode(ByteBuffer, Class)}: a read-only buffer copied into the thread's reused array), for the agent's three
 * readings ({@link ReadingCborTest#agentReadings()}). Each decode gets a fresh read-only view, as HiveMQ's
 * {@code PublishPacket.getPayload()} makes one a call. One thread, its CPU time and allocated bytes; the two ways take
 * turns round after round; medians. Command and figures: docs/benchmarks.md.
 */
public final class ReadingBufferBenchmark {
    private ReadingBufferBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int decodes = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        KioskMessage[] readings = ReadingCborTest.agentReadings();
        String[] names = {"measurement", "ECG batch, 250 samples", "pleth batch, 100 samples"};
        ByteBuffer[] payloads = new ByteBuffer[readings.length];
        for (int i = 0; i < readings.length; i++) {
            payloads[i] = ByteBuffer.wrap(codec.encode(readings[i]));
            if (!readings[i].equals(codec.decode(payloads[i].asReadOnlyBuffer(), KioskMessage.class))) {
                throw new AssertionError("not the same record: " + names[i]);
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 5; w++) {
            for (ByteBuffer payload : payloads) {
                measure(threads, codec, payload, decodes, true);
                measure(threads, codec, payload, decodes, false);
            }
        }
        double[][][] results = new double[payloads.length][4][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < payloads.length; i++) {
                double[] copied = measure(threads, codec, payloads[i], decodes, true);
                double[] inPlace = measure(threads, codec, payloads[i], decodes, false);
                results[i][0][round] = copied[0];
                results[i][1][round] = inPlace[0];
                results[i][2][round] = copied[1];
                results[i][3][round] = inPlace[1];
            }
        }
        System.out.printf(Locale.ROOT, "%d rounds of %d decodes each, medians; load average %.1f%n", rounds, decodes,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-26s %6s | %10s %10s %6s | %10s %10s%n", "payload", "bytes", "copied µs",
                "buffer µs", "ratio", "copied B", "buffer B");
        for (int i = 0; i < payloads.length; i++) {
            double copied = median(results[i][0]);
            double inPlace = median(results[i][1]);
            System.out.printf(Locale.ROOT, "%-26s %6d | %10.3f %10.3f %6.2f | %10.0f %10.0f%n", names[i],
                    payloads[i].remaining(), copied, inPlace, inPlace / copied, median(results[i][2]),
                    median(results[i][3]));
        }
    }

    /** CPU µs and allocated bytes a decode, over {@code decodes} decodes of fresh read-only views of the payload. */
    private static double[] measure(com.sun.management.ThreadMXBean threads, WireCodec codec, ByteBuffer payload,
            int decodes, boolean copy) throws Exception {
        long sink = 0;
        long cpu = threads.getCurrentThreadCpuTime();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < decodes; i++) {
            ByteBuffer view = payload.asReadOnlyBuffer();
            KioskMessage message;
            if (copy) {
                byte[] bytes = new byte[view.remaining()]; // what InProcessIntake did before
                view.duplicate().get(bytes);
                message = codec.decode(bytes, KioskMessage.class);
            } else {
                message = codec.decode(view, KioskMessage.class);
            }
            sink += message.kiosk().value().length();
        }
        long cpuAfter = threads.getCurrentThreadCpuTime();
        long allocatedAfter = threads.getCurrentThreadAllocatedBytes();
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {(cpuAfter - cpu) / 1e3 / decodes, (double) (allocatedAfter - allocated) / decodes};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

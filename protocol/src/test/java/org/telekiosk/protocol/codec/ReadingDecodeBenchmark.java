package org.telekiosk.protocol.codec;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Not a test: what one CBOR decode of a reading costs the broker's intake, the strict Jackson decode against the
 * readings' fast path ({@link ReadingCbor}), for the payloads the agent and the load generator send (a measurement, a
 * 250-sample ECG batch, a 100-sample pleth batch: {@link ReadingCborTest#agentReadings()}). One thread; CPU time and
 * allocated bytes of that thread ({@code com.sun.management.ThreadMXBean}), so a loaded machine stretches the wall
 * clock but not the figures much. The two decoders take turns, round after round, so that both see the same load;
 * printed are the median of the rounds and the ratio. Also printed: what Jackson's streaming {@code CBORParser} alone
 * costs to walk the same payload's tokens (text of each string, value of each number, no record made), the floor
 * under a fast path built on it. Command and figures: docs/benchmarks.md.
 */
public final class ReadingDecodeBenchmark {
    private ReadingDecodeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int decodes = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        WireCodec full = WireCodec.cborWithoutFastPath(WireCodec.DEFAULT_MAX_BYTES);
        WireCodec fast = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        KioskMessage[] readings = ReadingCborTest.agentReadings();
        String[] names = {"measurement", "ECG batch, 250 samples", "pleth batch, 100 samples"};
        byte[][] payloads = new byte[readings.length][];
        for (int i = 0; i < readings.length; i++) {
            payloads[i] = fast.encode(readings[i]);
            if (!readings[i].equals(fast.decode(payloads[i], KioskMessage.class))
                    || !readings[i].equals(full.decode(payloads[i], KioskMessage.class))) {
                throw new AssertionError("not the same record: " + names[i]);
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Warm-up, not measured: both paths compiled.
        for (int w = 0; w < 5; w++) {
            for (byte[] payload : payloads) {
                measure(threads, full, payload, decodes);
                measure(threads, fast, payload, decodes);
            }
        }
        long before = fast.fastDecodes();
        double[][][] results = new double[payloads.length][2][];
        for (int i = 0; i < payloads.length; i++) {
            results[i][0] = new double[rounds * 2];
            results[i][1] = new double[rounds * 2];
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < payloads.length; i++) {
                double[] a = measure(threads, full, payloads[i], decodes);
                double[] b = measure(threads, fast, payloads[i], decodes);
                results[i][0][round] = a[0];
                results[i][0][rounds + round] = a[1];
                results[i][1][round] = b[0];
                results[i][1][rounds + round] = b[1];
            }
        }
        com.fasterxml.jackson.dataformat.cbor.CBORFactory factory = new com.fasterxml.jackson.dataformat.cbor.CBORFactory();
        double[][] walks = new double[payloads.length][rounds];
        for (int w = 0; w < 5; w++) {
            for (byte[] payload : payloads) {
                walk(threads, factory, payload, decodes);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < payloads.length; i++) {
                walks[i][round] = walk(threads, factory, payloads[i], decodes);
            }
        }
        if (fast.fastDecodes() - before != (long) rounds * payloads.length * decodes) {
            throw new AssertionError("the fast path was not taken for every decode");
        }
        System.out.printf(Locale.ROOT, "%d rounds of %d decodes each, medians; load average %.1f%n", rounds, decodes,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-26s %6s | %10s %10s %6s | %10s %10s %6s | %12s%n", "payload", "bytes",
                "full µs", "fast µs", "ratio", "full B", "fast B", "ratio", "parser walk");
        double fullMix = 0;
        double fastMix = 0;
        for (int i = 0; i < payloads.length; i++) {
            double fullCpu = median(Arrays.copyOfRange(results[i][0], 0, rounds));
            double fastCpu = median(Arrays.copyOfRange(results[i][1], 0, rounds));
            double fullBytes = median(Arrays.copyOfRange(results[i][0], rounds, 2 * rounds));
            double fastBytes = median(Arrays.copyOfRange(results[i][1], rounds, 2 * rounds));
            fullMix += fullCpu / payloads.length;
            fastMix += fastCpu / payloads.length;
            System.out.printf(Locale.ROOT, "%-26s %6d | %10.3f %10.3f %6.2f | %10.0f %10.0f %6.2f | %9.3f µs%n",
                    names[i], payloads[i].length, fullCpu, fastCpu, fastCpu / fullCpu, fullBytes, fastBytes,
                    fastBytes / fullBytes, median(walks[i]));
        }
        System.out.printf(Locale.ROOT, "%-26s %6s | %10.3f %10.3f %6.2f%n", "the generator's mix (1:1:1)", "",
                fullMix, fastMix, fastMix / fullMix);
    }

    /** CPU µs and allocated bytes a decode, over {@code decodes} decodes. */
    private static double[] measure(com.sun.management.ThreadMXBean threads, WireCodec codec, byte[] payload,
            int decodes) throws Exception {
        long sink = 0;
        long cpu = threads.getCurrentThreadCpuTime();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < decodes; i++) {
            sink += codec.decode(payload, KioskMessage.class).kiosk().value().length();
        }
        long cpuAfter = threads.getCurrentThreadCpuTime();
        long allocatedAfter = threads.getCurrentThreadAllocatedBytes();
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {(cpuAfter - cpu) / 1e3 / decodes, (double) (allocatedAfter - allocated) / decodes};
    }

    /** CPU µs a walk of the payload's tokens with Jackson's {@code CBORParser}, over {@code decodes} walks. */
    private static double walk(com.sun.management.ThreadMXBean threads,
            com.fasterxml.jackson.dataformat.cbor.CBORFactory factory, byte[] payload, int decodes) throws Exception {
        long sink = 0;
        long cpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < decodes; i++) {
            try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(payload)) {
                com.fasterxml.jackson.core.JsonToken token;
                while ((token = p.nextToken()) != null) {
                    switch (token) {
                        case FIELD_NAME, VALUE_STRING -> sink += p.getText().length();
                        case VALUE_NUMBER_INT -> sink += p.getIntValue();
                        case VALUE_NUMBER_FLOAT -> sink += (long) p.getDoubleValue();
                        default -> sink++;
                    }
                }
            }
        }
        long cpuAfter = threads.getCurrentThreadCpuTime();
        if (sink == 42) {
            System.out.print("");
        }
        return (cpuAfter - cpu) / 1e3 / decodes;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

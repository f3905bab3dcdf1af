package org.telekiosk.hardware.load;

import java.util.Locale;

/** Latency percentiles of a {@link LoadGenerator} step, in milliseconds. */
record Latency(long count, double p50, double p99, double max) {
    static Latency of(long[] micros) {
        long[] sorted = micros.clone();
        java.util.Arrays.sort(sorted);
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

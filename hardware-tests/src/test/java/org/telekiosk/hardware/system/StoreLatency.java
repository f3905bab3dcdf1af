package org.telekiosk.hardware.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Kiosk → store latency of one kiosk's readings: every {@link #POLL} the store's contiguous progress is read, and a
 * reading counts as stored when the contiguous range first covers its sequence number (so a reading stored behind a
 * gap counts from when the gap closed: what a doctor's history sees). Latency = that moment minus the reading's
 * {@code takenAt} (a waveform batch: its last sample's time). Both clocks are this machine's wall clock; the
 * resolution is the poll period.
 */
final class StoreLatency implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(50);

    /** Percentiles of a set of latencies, in milliseconds. */
    record Figures(int count, long p50, long p95, long p99, long max) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "n=%d p50=%d ms p95=%d ms p99=%d ms max=%d ms", count, p50, p95, p99,
                    max);
        }
    }

    private final MeasurementStore store;
    private final KioskId kiosk;
    private final Map<Long, Instant> stored = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-latency-poll").daemon().factory());
    private volatile long covered;

    StoreLatency(MeasurementStore store, KioskId kiosk) {
        this.store = store;
        this.kiosk = kiosk;
        poller.scheduleAtFixedRate(this::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            long contiguous = store.progress(kiosk).get().contiguous();
            Instant now = Instant.now();
            for (long seq = covered + 1; seq <= contiguous; seq++) {
                stored.putIfAbsent(seq, now);
            }
            covered = Math.max(covered, contiguous);
        } catch (Exception e) {
            // the next poll tries again
        }
    }

    /** The highest number up to which every reading has been seen stored by this poller. */
    long covered() {
        return covered;
    }

    /** When the reading {@code seq} was first seen stored, if it was. */
    Instant storedAt(long seq) {
        return stored.get(seq);
    }

    /** Latency of each reading taken in {@code [from, to)} and seen stored: seq → milliseconds. */
    Map<Long, Long> latencies(Instant from, Instant to) throws Exception {
        Map<Long, Long> latencies = new java.util.TreeMap<>();
        for (Measurement m : store.measurements(kiosk, from, to).get()) {
            add(latencies, m.seq(), m.takenAt());
        }
        for (WaveformBatch b : store.waveforms(kiosk, from, to).get()) {
            long micros = Math.round(b.samples().size() / b.sampleRate() * 1_000_000);
            add(latencies, b.seq(), b.start().plus(Duration.ofNanos(micros * 1_000)));
        }
        return latencies;
    }

    /** The {@code n} slowest readings taken in {@code [from, to)}: seq, sensor, taken, stored, latency (diagnosis). */
    List<String> slowest(Instant from, Instant to, int n) throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (Measurement m : store.measurements(kiosk, from, to).get()) {
            row(rows, m.seq(), m.sensor().toString(), m.takenAt());
        }
        for (WaveformBatch b : store.waveforms(kiosk, from, to).get()) {
            long micros = Math.round(b.samples().size() / b.sampleRate() * 1_000_000);
            row(rows, b.seq(), b.sensor() + "/" + b.signal(), b.start().plus(Duration.ofNanos(micros * 1_000)));
        }
        rows.sort((a, b) -> Long.compare(Long.parseLong(b[0]), Long.parseLong(a[0])));
        return rows.stream().limit(n).map(r -> String.join(" ", r)).toList();
    }

    private void row(List<String[]> rows, long seq, String what, Instant taken) {
        Instant at = stored.get(seq);
        if (at != null) {
            rows.add(new String[] {Long.toString(Duration.between(taken, at).toMillis()), "seq " + seq, what,
                "taken " + taken, "stored " + at});
        }
    }

    private void add(Map<Long, Long> latencies, long seq, Instant taken) {
        Instant at = stored.get(seq);
        if (at != null) {
            latencies.put(seq, Duration.between(taken, at).toMillis());
        }
    }

    static Figures figures(java.util.Collection<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return new Figures(0, 0, 0, 0, 0);
        }
        return new Figures(sorted.size(), percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                sorted.getLast());
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}

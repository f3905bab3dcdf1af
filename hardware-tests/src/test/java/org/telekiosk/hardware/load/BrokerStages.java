package org.telekiosk.hardware.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker's own account of where a reading's time went in one measured window (issue 16): its stage histograms
 * (docs/operations.md, "Where a reading's time goes"), scraped from its metrics listener as Prometheus scrapes them at
 * the window's start and end, and their percentiles over the window from the buckets' growth (linear within a bucket,
 * as Prometheus's {@code histogram_quantile}; a percentile in the last bucket is shown as "&gt;" its lower bound). Beside
 * them the window's GC pauses and the vitals ordering's counters. The stages of a broker without them print nothing.
 */
final class BrokerStages {
    /** The stage histograms, in the order of a reading's way. */
    private static final List<String> STAGES = List.of("telekiosk_intake_lag_seconds",
            "telekiosk_store_queue_wait_seconds", "telekiosk_store_batch_seconds", "telekiosk_viewer_delay_seconds",
            "telekiosk_viewer_order_wait_seconds");
    private static final List<String> COUNTERS = List.of("telekiosk_viewer_order_reordered_total",
            "telekiosk_viewer_order_gaps_total", "telekiosk_viewer_order_late_dropped_total",
            "telekiosk_viewer_fanout_dropped_total", "telekiosk_store_commits_total");

    private final URI metrics;
    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, Double> start;
    private Map<String, Double> end;

    BrokerStages(URI metrics) {
        this.metrics = metrics;
    }

    /** The window begins. */
    void start() {
        start = scrape();
        end = null;
    }

    /** The window ends. */
    void end() {
        end = scrape();
    }

    /** Prints the window's stage percentiles (once, after {@link #end}). */
    void print(String mode) {
        if (start == null || end == null) {
            return;
        }
        for (String stage : STAGES) {
            for (var series : buckets(stage).entrySet()) {
                double[] le = series.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] cumulative = series.getValue().values().stream().mapToDouble(Double::doubleValue).toArray();
                double count = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
                if (count <= 0) {
                    continue;
                }
                String labels = series.getKey();
                double sum = delta(stage + "_sum" + labels);
                System.out.printf(Locale.ROOT, "[%s] broker stage %-58s n %8.0f  mean %7.2f  p50 %8s  p99 %8s  "
                        + "p99.9 %8s ms%n", mode, stage.replace("telekiosk_", "").replace("_seconds", "") + labels,
                        count, sum / count * 1e3, quantile(0.5, le, cumulative), quantile(0.99, le, cumulative),
                        quantile(0.999, le, cumulative));
            }
        }
        double pauses = 0;
        double paused = 0;
        for (String sample : end.keySet()) {
            if (sample.startsWith("jvm_gc_pause_seconds_count")) {
                pauses += delta(sample);
            } else if (sample.startsWith("jvm_gc_pause_seconds_sum")) {
                paused += delta(sample);
            }
        }
        double longest = end.entrySet().stream().filter(e -> e.getKey().startsWith("jvm_gc_pause_seconds_max"))
                .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "[%s] broker GC pauses in the window: %.0f, %.1f ms in all; the longest of the"
                + " last two minutes %.1f ms%n", mode, pauses, paused * 1e3, longest * 1e3);
        StringBuilder counters = new StringBuilder();
        for (String counter : COUNTERS) {
            if (end.containsKey(counter)) {
                counters.append(String.format(Locale.ROOT, " %s %.0f", counter.replace("telekiosk_", ""),
                        delta(counter)));
            }
        }
        System.out.printf(Locale.ROOT, "[%s] broker counters in the window:%s%n", mode, counters);
        start = null;
    }

    /** Per label set (without {@code le}) of {@code family}: each bound's growth over the window, cumulative. */
    private Map<String, TreeMap<Double, Double>> buckets(String family) {
        Map<String, TreeMap<Double, Double>> series = new TreeMap<>();
        String prefix = family + "_bucket{";
        for (String sample : end.keySet()) {
            if (!sample.startsWith(prefix)) {
                continue;
            }
            List<String> labels = new ArrayList<>();
            double le = Double.NaN;
            for (String label : sample.substring(prefix.length(), sample.length() - 1).split(",")) {
                if (label.startsWith("le=\"")) {
                    String bound = label.substring(4, label.length() - 1);
                    le = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                } else if (!label.isBlank()) {
                    labels.add(label);
                }
            }
            String key = labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}";
            series.computeIfAbsent(key, k -> new TreeMap<>()).put(le, delta(sample));
        }
        return series;
    }

    /** The {@code q} quantile in milliseconds, as text. */
    private static String quantile(double q, double[] le, double[] cumulative) {
        double rank = q * cumulative[cumulative.length - 1];
        for (int i = 0; i < le.length; i++) {
            if (cumulative[i] >= rank) {
                double lower = i == 0 ? 0 : le[i - 1];
                if (Double.isInfinite(le[i])) {
                    return String.format(Locale.ROOT, ">%.1f", lower * 1e3);
                }
                double below = i == 0 ? 0 : cumulative[i - 1];
                double inBucket = cumulative[i] - below;
                double at = inBucket <= 0 ? le[i] : lower + (le[i] - lower) * (rank - below) / inBucket;
                return String.format(Locale.ROOT, "%.2f", at * 1e3);
            }
        }
        return "?";
    }

    private double delta(String sample) {
        return end.getOrDefault(sample, 0.0) - start.getOrDefault(sample, 0.0);
    }

    private Map<String, Double> scrape() {
        Map<String, Double> samples = new HashMap<>();
        try {
            String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
                int space = l.lastIndexOf(' ');
                String value = l.substring(space + 1);
                samples.put(l.substring(0, space), value.endsWith("Inf") ? Double.NaN : Double.parseDouble(value));
            });
        } catch (java.io.IOException e) {
            System.out.println("the broker's metrics could not be scraped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return samples;
    }
}

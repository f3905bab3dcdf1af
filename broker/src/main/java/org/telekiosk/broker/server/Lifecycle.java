package org.telekiosk.broker.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts started so far, in order; closed in reverse, each once, a failing close logged and passed over. Keeps how
 * long each step of the start and each part's close took, so that the log says where a node's start and stop go (a
 * restart, the demo, the tests' brokers: docs/benchmarks.md, "Build: where the test time goes").
 */
final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
    /** Steps shorter than this are left out of the summaries. */
    private static final long SHOWN_MILLIS = 10;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Long> startNanos = new LinkedHashMap<>();
    private final Map<String, Long> stopNanos = new LinkedHashMap<>();
    private final long created = System.nanoTime();
    private long lapStart = created;
    private long stopTook;

    /** Records {@code part} as started, with the time since the previous step as its start's, and returns it. */
    synchronized <T extends AutoCloseable> T add(T part) {
        started.add(part);
        lap(name(part));
        return part;
    }

    /** Records the time since the previous step under {@code step}: a step of the start that leaves nothing to close. */
    synchronized void lap(String step) {
        long now = System.nanoTime();
        startNanos.merge(step, now - lapStart, Long::sum);
        lapStart = now;
    }

    /** The start so far: its time and the steps that took {@value #SHOWN_MILLIS} ms or more, in order. */
    synchronized String startTimes() {
        return summary(lapStart - created, startNanos);
    }

    /** The last {@link #close}: its time and the parts whose close took {@value #SHOWN_MILLIS} ms or more, in order. */
    synchronized String stopTimes() {
        return summary(stopTook, stopNanos);
    }

    /** Closes every part in reverse order, adding what fails to {@code failure}. */
    synchronized void closeAfter(Exception failure) {
        for (AutoCloseable part : started.reversed()) {
            try {
                part.close();
            } catch (Exception closing) {
                failure.addSuppressed(closing);
            }
        }
        started.clear();
    }

    @Override
    public synchronized void close() {
        long begin = System.nanoTime();
        for (AutoCloseable part : started.reversed()) {
            String name = name(part);
            LOG.debug("Stopping {}", name);
            long partBegin = System.nanoTime();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", name, e.toString());
            }
            stopNanos.merge(name, System.nanoTime() - partBegin, Long::sum);
        }
        if (!started.isEmpty()) {
            stopTook = System.nanoTime() - begin;
        }
        started.clear();
    }

    private static String name(AutoCloseable part) {
        return part.getClass().getSimpleName();
    }

    private static String summary(long totalNanos, Map<String, Long> steps) {
        StringJoiner shown = new StringJoiner(", ");
        steps.forEach((step, nanos) -> {
            long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
            if (millis >= SHOWN_MILLIS) {
                shown.add(step + " " + millis);
            }
        });
        return TimeUnit.NANOSECONDS.toMillis(totalNanos) + " ms (" + shown + ")";
    }
}

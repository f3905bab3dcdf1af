package org.telekiosk.broker.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of refused MQTT messages, bounded: per kiosk and refusal code, the first refusal of a {@link #WINDOW} is
 * logged (WARN, with the code, never the parser's text, which names internals), the rest are counted and summed up in
 * one line when the window is over ({@link #summarize}, called with every message that arrives). A kiosk that sends
 * 20,000 bad messages writes a few lines a minute, not 20,000; the counts in {@code /healthz} stay exact.
 */
final class RefusalLog {
    /** One line per kiosk and code per minute: enough to notice, few enough to read. */
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Kiosks × codes remembered at once; beyond that, refusals are only counted (the set of kiosks is bounded). */
    static final int MAX_KEYS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(MeasurementIntake.class);

    private record Key(String kiosk, String code) {}

    private static final class Window {
        final Instant start;
        long suppressed;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final Clock clock;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    /** When the next summary is due, in the clock's milliseconds (no {@code Instant} made a message). */
    private volatile long nextSummary;

    RefusalLog(Clock clock) {
        this.clock = clock;
        this.nextSummary = clock.millis() + WINDOW.toMillis();
    }

    /** Records one refusal of a message from {@code kiosk} ("-" if the topic names none) under {@code code}. */
    void refused(String kiosk, String code, String topic) {
        Instant now = clock.instant();
        Key key = new Key(kiosk, code);
        boolean[] first = {false};
        windows.compute(key, (k, window) -> {
            if (window == null || !now.isBefore(window.start.plus(WINDOW))) {
                if (window != null) {
                    summary(k, window);
                }
                if (window == null && windows.size() >= MAX_KEYS) {
                    return null;
                }
                first[0] = true;
                return new Window(now);
            }
            window.suppressed++;
            return window;
        });
        if (first[0]) {
            LOG.warn("Refused MQTT message from kiosk {} on '{}': {} (more from this kiosk with this code within {} s "
                    + "are counted, then summed up)", kiosk, topic, code, WINDOW.toSeconds());
        }
    }

    /** Logs one line for each window that is over and had refusals beyond its first; cheap when none is due. */
    void summarize() {
        long millis = clock.millis();
        if (millis < nextSummary) {
            return;
        }
        Instant now = clock.instant();
        nextSummary = millis + WINDOW.toMillis();
        for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Window> e = it.next();
            if (!now.isBefore(e.getValue().start.plus(WINDOW))) {
                it.remove();
                summary(e.getKey(), e.getValue());
            }
        }
    }

    private static void summary(Key key, Window window) {
        if (window.suppressed > 0) {
            LOG.warn("Refused {} more MQTT messages from kiosk {} with code {} in the minute from {}",
                    window.suppressed, key.kiosk(), key.code(), window.start);
        }
    }
}

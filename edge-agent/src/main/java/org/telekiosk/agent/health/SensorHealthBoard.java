package org.telekiosk.agent.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.Untrusted;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;

/**
 * The health of every configured sensor, as the last attempt to use it left it. Every read, poll or probe reports
 * here: {@link #ok} when the sensor answered with a valid value, {@link #failed} with the driver's exception
 * otherwise. {@link SensorException.Kind#NO_ANSWER} makes a sensor {@link SensorState#ABSENT}; every other failure
 * (a checksum, an error flag, garbage, a value out of range, a driver bug) {@link SensorState#FAULTY}. A sensor never
 * tried yet counts as absent, "not probed yet", and {@link #allProbed()} says when every sensor has been tried once.
 *
 * <p>A change of state (not of the detail alone, which may vary from read to read) is logged once and handed to the
 * change listener, outside the board's lock. Repeated failures in the same state are logged at DEBUG only, so a
 * sensor failing 250 times a second does not flood the log. Thread-safe: every sampler thread reports here.
 */
public final class SensorHealthBoard {
    private static final Logger log = LoggerFactory.getLogger(SensorHealthBoard.class);
    private static final int MAX_DETAIL = 200;
    static final String NOT_PROBED = "not probed yet";

    private record Entry(SensorHealth health, boolean probed, long failures) {}

    private final Map<SensorId, Entry> entries = new LinkedHashMap<>();
    private final Runnable onChange;

    /**
     * @param sensors  every configured sensor, in the order status messages list them
     * @param onChange runs after every change of a sensor's state, on the reporting thread; must return quickly
     */
    public SensorHealthBoard(List<SensorId> sensors, Runnable onChange) {
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        for (SensorId sensor : sensors) {
            if (entries.put(sensor, new Entry(new SensorHealth(sensor, SensorState.ABSENT, NOT_PROBED), false, 0))
                    != null) {
                throw new IllegalArgumentException("sensor " + sensor + " is listed twice");
            }
        }
    }

    /** {@code sensor} answered with a valid value. */
    public void ok(SensorId sensor) {
        update(sensor, SensorState.PRESENT, "", null);
    }

    /** {@code sensor} failed as {@code failure} says. */
    public void failed(SensorId sensor, SensorException failure) {
        SensorState state = failure.kind() == SensorException.Kind.NO_ANSWER ? SensorState.ABSENT : SensorState.FAULTY;
        update(sensor, state, failure.kind() + ": " + failure.getMessage(), null);
    }

    /** The driver of {@code sensor} threw something it should not have: a bug, reported as faulty. */
    public void failed(SensorId sensor, RuntimeException bug) {
        update(sensor, SensorState.FAULTY, "driver error: " + bug, bug);
    }

    /** The state of every sensor, in configuration order. */
    public synchronized List<SensorHealth> snapshot() {
        List<SensorHealth> all = new ArrayList<>(entries.size());
        entries.values().forEach(entry -> all.add(entry.health()));
        return all;
    }

    /** The state of one sensor. */
    public synchronized SensorHealth of(SensorId sensor) {
        return entry(sensor).health();
    }

    /** Whether every sensor has answered or failed at least once. */
    public synchronized boolean allProbed() {
        return entries.values().stream().allMatch(Entry::probed);
    }

    private void update(SensorId sensor, SensorState state, String detail, RuntimeException bug) {
        SensorHealth before;
        long failures;
        synchronized (this) {
            Entry entry = entry(sensor);
            before = entry.health();
            failures = state == SensorState.PRESENT ? 0 : entry.failures() + 1;
            SensorHealth health = new SensorHealth(sensor, state, Untrusted.printable(detail, MAX_DETAIL));
            entries.put(sensor, new Entry(health, true, failures));
            if (before.state() == state && entry.probed()) {
                if (state != SensorState.PRESENT) {
                    log.debug("Sensor {} still {}: {}", sensor, state, detail);
                }
                return;
            }
        }
        if (state == SensorState.PRESENT) {
            log.info("Sensor {} is present{}", sensor, before.detail().equals(NOT_PROBED) ? ""
                    : " again (was " + before.state() + ": " + before.detail() + ")");
        } else if (bug != null) {
            log.warn("Sensor {} is {}: {}", sensor, state, detail, bug);
        } else {
            log.warn("Sensor {} is {}: {}", sensor, state, detail);
        }
        onChange.run();
    }

    private Entry entry(SensorId sensor) {
        Entry entry = entries.get(sensor);
        if (entry == null) {
            throw new IllegalArgumentException("sensor " + sensor + " is not configured");
        }
        return entry;
    }
}

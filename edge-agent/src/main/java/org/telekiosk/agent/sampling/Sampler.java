package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * Reads every {@link ScalarSensor} once per interval, on a thread of its own ("telekiosk-sampler"), and hands each
 * valid reading to a sink (the {@link Forwarder}) as a {@link Measurement} with the next sequence number and the
 * time of the injected {@link Clock}. A sensor that fails is logged when it starts failing and when it recovers,
 * not at every tick, and does not keep the others from being read. A number is drawn only for a valid reading.
 * Sensors are read one after another: a driver that blocks delays the other sensors, never the uplink.
 */
public final class Sampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sampler.class);

    private final KioskId kiosk;
    private final List<ScalarSensor> sensors;
    private final Duration interval;
    private final SequenceCounter sequence;
    private final Clock clock;
    private final Consumer<Measurement> sink;
    private final ScheduledExecutorService scheduler;
    private final Map<SensorId, Integer> failures = new HashMap<>();
    private boolean sequenceFailing;

    public Sampler(KioskId kiosk, List<ScalarSensor> sensors, Duration interval, SequenceCounter sequence, Clock clock,
            Consumer<Measurement> sink) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.sensors = List.copyOf(sensors);
        this.interval = Objects.requireNonNull(interval, "interval");
        this.sequence = Objects.requireNonNull(sequence, "sequence");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms, was " + interval);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "telekiosk-sampler");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Samples now and then every interval, until {@link #close()}. */
    public void start() {
        scheduler.scheduleAtFixedRate(this::sampleOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads every sensor once and hands on the valid readings, in sensor order. Never throws. */
    public synchronized void sampleOnce() {
        for (ScalarSensor sensor : sensors) {
            sample(sensor);
        }
    }

    private void sample(ScalarSensor sensor) {
        double value;
        Instant takenAt;
        try {
            value = sensor.read();
            takenAt = clock.instant();
        } catch (SensorException e) {
            failing(sensor, e.kind() + ": " + e.getMessage(), null);
            return;
        } catch (RuntimeException e) {
            // A driver bug, not a sensor fault: worth its stack trace, once.
            failing(sensor, e.toString(), e);
            return;
        }
        if (!Double.isFinite(value)) {
            failing(sensor, "non-finite value " + value, null);
            return;
        }
        recovered(sensor);
        long seq;
        try {
            seq = sequence.next();
        } catch (IOException e) {
            if (!sequenceFailing) {
                sequenceFailing = true;
                log.error("Cannot store the next sequence number, readings are dropped until it works again: {}",
                        e.toString());
            }
            return;
        }
        if (sequenceFailing) {
            sequenceFailing = false;
            log.info("Sequence numbers are stored again (next is {})", seq);
        }
        try {
            sink.accept(new Measurement(kiosk, seq, sensor.id(), sensor.loinc(), value, sensor.unit(), takenAt));
        } catch (RuntimeException e) {
            log.error("The sink refused reading {} of sensor {}", seq, sensor.id(), e);
        }
    }

    private void failing(ScalarSensor sensor, String why, RuntimeException bug) {
        int count = failures.merge(sensor.id(), 1, Integer::sum);
        if (count == 1) {
            if (bug == null) {
                log.warn("Sensor {} is failing: {}", sensor.id(), why);
            } else {
                log.warn("Sensor {} is failing: {}", sensor.id(), why, bug);
            }
        } else {
            log.debug("Sensor {} still failing: {}", sensor.id(), why);
        }
    }

    private void recovered(ScalarSensor sensor) {
        Integer count = failures.remove(sensor.id());
        if (count != null) {
            log.info("Sensor {} recovered after {} failed readings", sensor.id(), count);
        }
    }

    /** Stops sampling; a reading in progress finishes first. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

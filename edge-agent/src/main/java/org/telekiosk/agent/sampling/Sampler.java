package org.telekiosk.agent.sampling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * Runs every sensor on its schedule, each failure contained to its own sensor:
 * <ul>
 *   <li>spot sensors (temperature, weight) on the "telekiosk-sampler" thread, each every its own interval (with a
 *       fixed delay: a one-second weighing never makes the thread catch up in a burst);</li>
 *   <li>the ECG on "telekiosk-ecg" at its sample rate, the pulse oximeter on "telekiosk-pleth" at its poll interval,
 *       each on its own thread so that a slow bus transfer of one never delays the other's samples;</li>
 *   <li>the blood-pressure monitor on "telekiosk-bp-monitor": a status check every check interval, and a measurement
 *       when {@link #measureBloodPressure()} asks for one.</li>
 * </ul>
 * Every schedule starts at once: its first run is the sensor's probe at start, and later runs re-probe a sensor that
 * is absent or faulty, so that it comes back by itself.
 */
public final class Sampler implements AutoCloseable {
    /** How often a failing ECG is tried again (instead of at its sample rate). */
    static final Duration ECG_RETRY = Duration.ofSeconds(1);

    private final FittedSensors sensors;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;
    private final Timeline timeline;
    private final List<ScheduledExecutorService> threads = new ArrayList<>();
    private ScheduledExecutorService bloodPressureThread;
    private ScheduledExecutorService spotThread;
    private final java.util.Map<SensorId, SpotReader> spotReaders = new java.util.HashMap<>();
    private BloodPressureStation bloodPressure;

    public Sampler(FittedSensors sensors, ReadingOutlet outlet, SensorHealthBoard health, Timeline timeline) {
        this.sensors = Objects.requireNonNull(sensors, "sensors");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
    }

    /** Starts every schedule; returns at once. */
    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        if (!sensors.spot().isEmpty()) {
            ScheduledExecutorService spot = thread("telekiosk-sampler");
            spotThread = spot;
            for (FittedSensors.Spot entry : sensors.spot()) {
                SpotReader reader = new SpotReader(entry.sensor(), outlet, health, timeline);
                spotReaders.put(entry.sensor().id(), reader);
                spot.scheduleWithFixedDelay(reader::readOnce, 0, entry.interval().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        sensors.ecg().ifPresent(ecg -> {
            EcgStream stream = new EcgStream(FittedSensors.ECG_ID, ecg.monitor(), ecg.batch(), ecg.heartRateInterval(),
                    ECG_RETRY, outlet, health, timeline);
            thread("telekiosk-ecg").scheduleAtFixedRate(stream::pollOnce, 0, stream.period().toNanos(),
                    TimeUnit.NANOSECONDS);
        });
        sensors.oximeter().ifPresent(oximeter -> {
            PlethStream stream = new PlethStream(FittedSensors.OXIMETER_ID, oximeter.oximeter(), oximeter.sampleRate(),
                    oximeter.batch(), oximeter.resultInterval(), outlet, health, timeline);
            thread("telekiosk-pleth").scheduleAtFixedRate(stream::pollOnce, 0, oximeter.pollInterval().toNanos(),
                    TimeUnit.NANOSECONDS);
        });
        sensors.bloodPressure().ifPresent(monitor -> {
            bloodPressure = new BloodPressureStation(FittedSensors.BLOOD_PRESSURE_ID, monitor.monitor(), outlet, health,
                    timeline);
            bloodPressureThread = thread("telekiosk-bp-monitor");
            bloodPressureThread.scheduleWithFixedDelay(bloodPressure::check, 0, monitor.checkInterval().toNanos(),
                    TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Takes a blood-pressure measurement on the monitor's thread (after a status check under way, if any).
     *
     * @return the four measurements sent: systolic, diastolic, mean and pulse; fails with the driver's
     *         {@link SensorException} if the measurement fails, with {@link IllegalStateException} if no monitor is
     *         fitted or the sampler is not running
     */
    public synchronized CompletableFuture<List<Measurement>> measureBloodPressure() {
        if (bloodPressure == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no blood-pressure monitor is configured (sensor.bp-monitor.enabled), or the sampler is not running"));
        }
        CompletableFuture<List<Measurement>> result = new CompletableFuture<>();
        BloodPressureStation station = bloodPressure;
        try {
            bloodPressureThread.execute(() -> {
                try {
                    result.complete(station.measure());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.completeExceptionally(e);
                } catch (SensorException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the sampler is closed", e));
        }
        return result;
    }

    /**
     * Reads spot sensor {@code sensor} once now, on the spot sensors' thread (so never at the same time as its
     * schedule), for a measurement command: the measurement is sent as any reading and completes the future; it fails
     * with the driver's {@link SensorException}, or {@link IllegalStateException} if there is no such sensor.
     */
    public synchronized CompletableFuture<Measurement> measureSpot(SensorId sensor) {
        SpotReader reader = spotReaders.get(sensor);
        if (reader == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no sensor " + sensor + " is configured"));
        }
        CompletableFuture<Measurement> result = new CompletableFuture<>();
        try {
            spotThread.execute(() -> {
                try {
                    result.complete(reader.readNow());
                } catch (SensorException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the sampler is closed", e));
        }
        return result;
    }

    /** Stops every schedule; a read in progress finishes first (a measurement is interrupted). Idempotent. */
    @Override
    public synchronized void close() {
        threads.forEach(ScheduledExecutorService::shutdown);
        if (bloodPressureThread != null) {
            // A measurement takes up to three minutes; interrupting it makes the driver deflate the cuff.
            bloodPressureThread.shutdownNow();
        }
        for (ScheduledExecutorService thread : threads) {
            try {
                if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                thread.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private ScheduledExecutorService thread(String name) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name).daemon().factory());
        threads.add(executor);
        return executor;
    }
}

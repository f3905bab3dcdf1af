package org.telekiosk.agent.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sampling.ReadingOutlet;
import org.telekiosk.agent.sampling.Sampler;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The commands on the agent's running {@link Sampler}: blood pressure on the monitor's thread, weight and
 * temperature as one extra read of the scale or thermometer on the spot sensors' thread, and an ECG as the batches
 * the always-running ECG stream sends during the command's seconds. A failure names the sensor and what went wrong.
 */
public final class SamplerActions implements CommandActions {
    /** The longest a single measurement may take (a blood-pressure measurement takes up to three minutes). */
    static final Duration MEASUREMENT_TIMEOUT = Duration.ofMinutes(4);

    private final Sampler sampler;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;

    public SamplerActions(Sampler sampler, ReadingOutlet outlet, SensorHealthBoard health) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public List<Long> run(CommandKind kind, int seconds) throws CommandFailure, InterruptedException {
        return switch (kind) {
            case BLOOD_PRESSURE -> await("blood-pressure monitor", sampler.measureBloodPressure()).stream()
                    .map(Measurement::seq).toList();
            case WEIGHT -> List.of(await("scale", sampler.measureSpot(Hx711Scale.DEFAULT_ID)).seq());
            case TEMPERATURE -> List.of(await("thermometer",
                    sampler.measureSpot(Mlx90614Thermometer.DEFAULT_ID)).seq());
            case ECG -> ecg(seconds);
        };
    }

    private List<Long> ecg(int seconds) throws CommandFailure, InterruptedException {
        if (health.snapshot().stream().noneMatch(h -> h.sensor().equals(FittedSensors.ECG_ID))) {
            throw new CommandFailure("ECG: no ECG is configured at this kiosk");
        }
        List<Long> seqs = new ArrayList<>();
        CountDownLatch never = new CountDownLatch(1); // a timed wait between health checks
        Consumer<KioskMessage> collect = message -> {
            if (message instanceof WaveformBatch batch && batch.sensor().equals(FittedSensors.ECG_ID)) {
                synchronized (seqs) {
                    seqs.add(batch.seq());
                }
            }
        };
        outlet.addListener(collect);
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            // Watch the ECG's health while recording: a fault (leads off, front end gone) ends it as failed.
            while (System.nanoTime() < end) {
                if (never.await(Math.min(200_000_000L, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                SensorState state = health.of(FittedSensors.ECG_ID).state();
                if (state != SensorState.PRESENT && !seqsEmpty(seqs)) {
                    throw new CommandFailure("ECG: " + state.name().toLowerCase(java.util.Locale.ROOT) + " during the"
                            + " recording: " + health.of(FittedSensors.ECG_ID).detail());
                }
            }
        } finally {
            outlet.removeListener(collect);
        }
        synchronized (seqs) {
            if (seqs.isEmpty()) {
                throw new CommandFailure("ECG: no signal recorded (" + health.of(FittedSensors.ECG_ID).state().name()
                        .toLowerCase(java.util.Locale.ROOT) + ": " + health.of(FittedSensors.ECG_ID).detail() + ")");
            }
            return List.copyOf(seqs);
        }
    }

    private static boolean seqsEmpty(List<Long> seqs) {
        synchronized (seqs) {
            return seqs.isEmpty();
        }
    }

    private static <T> T await(String sensor, CompletableFuture<T> result) throws CommandFailure,
            InterruptedException {
        try {
            return result.get(MEASUREMENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = switch (cause) {
                case SensorException s -> s.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + ": " + s.getMessage();
                case IllegalStateException s -> s.getMessage();
                default -> cause.getClass().getSimpleName();
            };
            throw new CommandFailure(sensor + ": " + why);
        } catch (java.util.concurrent.TimeoutException e) {
            result.cancel(true);
            throw new CommandFailure(sensor + ": no result within " + MEASUREMENT_TIMEOUT.toMinutes() + " minutes");
        }
    }
}

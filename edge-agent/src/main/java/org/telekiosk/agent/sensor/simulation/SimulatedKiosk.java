package org.telekiosk.agent.sensor.simulation;

import com.pi4j.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614;

/**
 * The sensors of a kiosk on simulated chips, reached through real Pi4J I/O calls: what {@code --simulate} runs.
 * Today one MLX90614 thermometer on I2C bus 1 at 0x5A, as on the kiosk's wiring. Optionally the simulated
 * patient's body temperature wanders a little around its set value, so that a viewer sees the value change.
 */
public final class SimulatedKiosk implements AutoCloseable {
    /** The I2C bus the kiosk's sensors are wired to (the Raspberry Pi's GPIO 2/3). */
    public static final int I2C_BUS = 1;
    private static final double AMBIENT_CELSIUS = 22.5;
    private static final double WANDER_SPAN = 0.4;
    private static final double WANDER_STEP = 0.05;

    private final SimulatedMlx90614 thermometerChip;
    private final Context pi4j;
    private final List<ScalarSensor> sensors;
    private ScheduledExecutorService wandering;

    public SimulatedKiosk(double bodyCelsius) {
        this.thermometerChip = new SimulatedMlx90614(bodyCelsius, AMBIENT_CELSIUS);
        this.pi4j = new SimulatedHardware().attachI2C(I2C_BUS, Mlx90614.DEFAULT_ADDRESS, thermometerChip).newContext();
        this.sensors = List.of(new Mlx90614Thermometer(Mlx90614.open(pi4j, I2C_BUS, Mlx90614.DEFAULT_ADDRESS)));
    }

    /** The kiosk's sensors, each driving its simulated chip through Pi4J. */
    public List<ScalarSensor> sensors() {
        return sensors;
    }

    /** The simulated thermometer, for tests that set exact temperatures or inject faults. */
    public SimulatedMlx90614 thermometerChip() {
        return thermometerChip;
    }

    /**
     * Lets the body temperature wander by small random steps within ±0.4 °C of {@code bodyCelsius}, one step every
     * {@code period}. For the demo; tests set exact values instead.
     */
    public synchronized void startWandering(double bodyCelsius, Duration period, RandomGenerator random) {
        if (wandering != null) {
            return;
        }
        wandering = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("simulated-patient").daemon().factory());
        double[] current = {bodyCelsius};
        wandering.scheduleAtFixedRate(() -> {
            double next = current[0] + (random.nextBoolean() ? WANDER_STEP : -WANDER_STEP);
            current[0] = Math.max(bodyCelsius - WANDER_SPAN, Math.min(bodyCelsius + WANDER_SPAN, next));
            thermometerChip.setObjectTemperature(current[0]);
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (wandering != null) {
            wandering.shutdownNow();
        }
        pi4j.shutdown();
    }
}

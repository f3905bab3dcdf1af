package org.telekiosk.agent.sensor.simulation;

import com.pi4j.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.telekiosk.agent.config.SensorsConfig;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorWiring;
import org.telekiosk.agent.sensor.ads1115.SimulatedAds1115;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedSerialPort;
import org.telekiosk.agent.sensor.ecg.Ad8232FrontEnd;
import org.telekiosk.agent.sensor.ecg.SimulatedAd8232;
import org.telekiosk.agent.sensor.ecg.SimulatedLeadOffLines;
import org.telekiosk.agent.sensor.ecg.SyntheticEcg;
import org.telekiosk.agent.sensor.hx711.Gain;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.hx711.LoadCell;
import org.telekiosk.agent.sensor.hx711.SimulatedHx711;
import org.telekiosk.agent.sensor.max30102.Physiology;
import org.telekiosk.agent.sensor.max30102.SimulatedFinger;
import org.telekiosk.agent.sensor.max30102.SimulatedMax30102;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614;
import org.telekiosk.protocol.SensorId;

/**
 * The sensors of a kiosk on simulated chips, reached through real Pi4J I/O calls: what {@code --simulate} runs.
 * {@link #SimulatedKiosk(SensorsConfig, SimulatedPatient, long)} attaches every enabled sensor where the configuration
 * wires it (MLX90614, HX711 and its load cell, MAX30102 and a finger, ADS1115 with an AD8232 on a synthetic ECG and
 * its lead-off lines, the serial blood-pressure monitor) and opens the drivers with {@link SensorWiring}, as on a
 * Pi. {@link #SimulatedKiosk(double)} is the walking skeleton's kiosk: one MLX90614 on I2C bus 1 at 0x5A.
 *
 * <p>Time. The MAX30102 and ADS1115 convert only as their time advances: {@link #startClock()} advances them with the
 * monotonic clock from a scheduler (for the demo and system tests), {@link #advance} by exactly what a test says. The
 * HX711's time is its own, advanced by the driver's pauses; the blood-pressure monitor ticks once per status poll of
 * the driver, so a simulated measurement takes no real time.
 *
 * <p>Faults: {@link #unplug} and {@link #plugIn} a sensor by its id; the chips themselves inject the rest.
 */
public final class SimulatedKiosk implements AutoCloseable {
    /** The I2C bus the kiosk's sensors are wired to (the Raspberry Pi's GPIO 2/3). */
    public static final int I2C_BUS = 1;
    /** How often {@link #startClock()} advances the chips' time. */
    static final Duration CLOCK_STEP = Duration.ofMillis(1);
    private static final double AMBIENT_CELSIUS = 22.5;
    private static final double WANDER_SPAN = 0.4;
    private static final double WANDER_STEP = 0.05;
    private static final int BLOOD_PRESSURE_TICKS = 30;

    private final SimulatedHardware hardware = new SimulatedHardware();
    private final SensorsConfig config;
    private final SimulatedMlx90614 thermometerChip;
    private final SimulatedHx711 scaleChip;
    private final SimulatedFinger finger;
    private final SimulatedMax30102 oximeterChip;
    private final SimulatedAd8232 frontEnd;
    private final SimulatedAds1115 adcChip;
    private final SimulatedLeadOffLines leadOffLines;
    private final SimulatedBloodPressureMonitor bloodPressureMonitor;
    private final Context pi4j;
    private final FittedSensors sensors;
    private ScheduledExecutorService wandering;
    private ScheduledExecutorService clock;

    /** The walking skeleton's kiosk: one MLX90614 thermometer on I2C bus 1 at 0x5A, aimed at {@code bodyCelsius}. */
    public SimulatedKiosk(double bodyCelsius) {
        this.config = null;
        this.thermometerChip = new SimulatedMlx90614(bodyCelsius, AMBIENT_CELSIUS);
        this.scaleChip = null;
        this.finger = null;
        this.oximeterChip = null;
        this.frontEnd = null;
        this.adcChip = null;
        this.leadOffLines = null;
        this.bloodPressureMonitor = null;
        hardware.attachI2C(I2C_BUS, Mlx90614.DEFAULT_ADDRESS, thermometerChip);
        this.pi4j = hardware.newContext();
        this.sensors = FittedSensors.spotOnly(List.of(new Mlx90614Thermometer(
                Mlx90614.open(pi4j, I2C_BUS, Mlx90614.DEFAULT_ADDRESS))), Duration.ofSeconds(5));
    }

    /**
     * Every sensor {@code config} enables, on simulated chips wired as it says, measuring {@code patient}.
     *
     * @param seed seed of every simulated noise, so that a run repeats
     */
    public SimulatedKiosk(SensorsConfig config, SimulatedPatient patient, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.thermometerChip = new SimulatedMlx90614(config.thermometer().address(), patient.bodyCelsius(),
                AMBIENT_CELSIUS);
        LoadCell platform = LoadCell.platform200Kg(seed);
        this.scaleChip = new SimulatedHx711(config.scale().clockPin(), config.scale().dataPin(),
                SimulatedHx711.Rate.SPS_10, platform);
        scaleChip.setLoad(patient.weightKg());
        this.finger = new SimulatedFinger(new Physiology(patient.heartRateBpm(), patient.spo2Percent(), 2), seed);
        this.oximeterChip = new SimulatedMax30102(finger);
        this.frontEnd = new SimulatedAd8232(Ad8232FrontEnd.TYPICAL, new SyntheticEcg(patient.heartRateBpm(), seed));
        this.adcChip = new SimulatedAds1115(config.ecg().address(), frontEnd);
        this.leadOffLines = new SimulatedLeadOffLines(frontEnd, config.ecg().leadOffPlusPin(),
                config.ecg().leadOffMinusPin());
        this.bloodPressureMonitor = new SimulatedBloodPressureMonitor(new SimulatedBloodPressureMonitor.Physiology(
                patient.systolic(), patient.diastolic(), (int) Math.round(patient.heartRateBpm())),
                BLOOD_PRESSURE_TICKS, seed);
        for (SensorId sensor : List.of(Mlx90614Thermometer.DEFAULT_ID, Hx711Scale
                .DEFAULT_ID, FittedSensors.OXIMETER_ID, FittedSensors.ECG_ID)) {
            if (enabled(sensor)) {
                attach(sensor);
            }
        }
        this.pi4j = hardware.newContext();
        // The simulated platform's own figures are its calibration: as if a technician had calibrated it.
        Hx711Calibration calibration = new Hx711Calibration(Gain.A_128, platform.offsetCounts(),
                platform.countsPerKg());
        SimulatedSerialPort port = new SimulatedSerialPort(bloodPressureMonitor);
        this.sensors = SensorWiring.open(pi4j, config, new SensorWiring.Peripherals(scaleChip.timing(),
                device -> port, interval -> bloodPressureMonitor.tick(), file -> calibration));
    }

    /** The kiosk's spot sensors (temperature, weight), each driving its simulated chip through Pi4J. */
    public List<ScalarSensor> sensors() {
        return sensors.spot().stream().map(FittedSensors.Spot::sensor).toList();
    }

    /** Every sensor with its schedule, for {@code Agent.start}. */
    public FittedSensors kioskSensors() {
        return sensors;
    }

    /** The simulated thermometer, for tests that set exact temperatures or inject faults. */
    public SimulatedMlx90614 thermometerChip() {
        return thermometerChip;
    }

    /** The simulated HX711; null on the thermometer-only kiosk. */
    public SimulatedHx711 scaleChip() {
        return scaleChip;
    }

    /** The finger on the simulated MAX30102; null on the thermometer-only kiosk. */
    public SimulatedFinger finger() {
        return finger;
    }

    /** The simulated AD8232 (electrodes, heart rate); null on the thermometer-only kiosk. */
    public SimulatedAd8232 ecgFrontEnd() {
        return frontEnd;
    }

    /** The simulated blood-pressure monitor; null on the thermometer-only kiosk. */
    public SimulatedBloodPressureMonitor bloodPressureMonitor() {
        return bloodPressureMonitor;
    }

    /** Lets {@code duration} of simulated time pass for the chips that convert continuously. */
    public void advance(Duration duration) {
        if (oximeterChip != null) {
            oximeterChip.advance(duration);
            adcChip.advance(duration);
        }
    }

    /** Advances the converting chips with the monotonic clock, every millisecond, until {@link #close()}. */
    public synchronized void startClock() {
        if (clock != null || oximeterChip == null) {
            return;
        }
        clock = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("simulated-time").daemon()
                .factory());
        long[] last = {System.nanoTime()};
        clock.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            advance(Duration.ofNanos(now - last[0]));
            last[0] = now;
        }, CLOCK_STEP.toNanos(), CLOCK_STEP.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Unplugs {@code sensor}: from now on it answers nothing, as with its cable pulled. */
    public void unplug(SensorId sensor) {
        switch (sensor.value()) {
            case "mlx90614" -> hardware.detachI2C(thermometerBus(), thermometerAddress());
            case "hx711" -> hardware.detachGpio(config.scale().clockPin(), config.scale().dataPin());
            case "max30102" -> hardware.detachI2C(config.oximeter().bus(), config.oximeter().address());
            case "ads1115" -> {
                hardware.detachI2C(config.ecg().bus(), config.ecg().address());
                hardware.detachGpio(config.ecg().leadOffPlusPin(), config.ecg().leadOffMinusPin());
            }
            case "bp-monitor" -> bloodPressureMonitor.unplug();
            default -> throw new IllegalArgumentException("no simulated sensor " + sensor);
        }
    }

    /** Plugs {@code sensor} back in; a chip powered through its connector starts as after power-on. */
    public void plugIn(SensorId sensor) {
        switch (sensor.value()) {
            case "max30102" -> oximeterChip.powerCycle();
            case "ads1115" -> adcChip.powerCycle();
            case "bp-monitor" -> {
                bloodPressureMonitor.plugIn();
                return;
            }
            default -> { }
        }
        attach(sensor);
    }

    private void attach(SensorId sensor) {
        switch (sensor.value()) {
            case "mlx90614" -> hardware.attachI2C(thermometerBus(), thermometerAddress(), thermometerChip);
            case "hx711" -> hardware.attachGpio(scaleChip, config.scale().clockPin(), config.scale().dataPin());
            case "max30102" -> hardware.attachI2C(config.oximeter().bus(), config.oximeter().address(), oximeterChip);
            case "ads1115" -> {
                hardware.attachI2C(config.ecg().bus(), config.ecg().address(), adcChip);
                hardware.attachGpio(leadOffLines, config.ecg().leadOffPlusPin(), config.ecg().leadOffMinusPin());
            }
            default -> throw new IllegalArgumentException("no simulated sensor " + sensor);
        }
    }

    private boolean enabled(SensorId sensor) {
        return switch (sensor.value()) {
            case "mlx90614" -> config.thermometer().enabled();
            case "hx711" -> config.scale().enabled();
            case "max30102" -> config.oximeter().enabled();
            case "ads1115" -> config.ecg().enabled();
            default -> config.bloodPressure().enabled();
        };
    }

    private int thermometerBus() {
        return config == null ? I2C_BUS : config.thermometer().bus();
    }

    private int thermometerAddress() {
        return config == null ? Mlx90614.DEFAULT_ADDRESS : config.thermometer().address();
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
        if (clock != null) {
            clock.shutdownNow();
        }
        pi4j.shutdown();
    }
}

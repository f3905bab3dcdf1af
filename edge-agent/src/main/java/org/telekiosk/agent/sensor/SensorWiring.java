package org.telekiosk.agent.sensor;

import com.pi4j.context.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.telekiosk.agent.config.SensorsConfig;
import org.telekiosk.agent.sensor.ads1115.Ads1115;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.Pacer;
import org.telekiosk.agent.sensor.bloodpressure.ReopeningSerialPort;
import org.telekiosk.agent.sensor.bloodpressure.SerialPort;
import org.telekiosk.agent.sensor.ecg.Ad8232FrontEnd;
import org.telekiosk.agent.sensor.ecg.Ad8232LeadOffPins;
import org.telekiosk.agent.sensor.ecg.EcgMonitor;
import org.telekiosk.agent.sensor.hx711.Hx711;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.hx711.PinTiming;
import org.telekiosk.agent.sensor.hx711.ReadyPolling;
import org.telekiosk.agent.sensor.max30102.Max30102;
import org.telekiosk.agent.sensor.max30102.Max30102Config;
import org.telekiosk.agent.sensor.max30102.PulseOximeter;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;

/**
 * Opens the drivers of every enabled sensor as the configuration wires them, through a Pi4J context: the same code on
 * a Pi ({@code pi4j-plugin-ffm}) and in simulation ({@code SimulatedHardware}). Only what differs between the two
 * comes in as {@link Peripherals}: the HX711's pulse timing, the serial ports, the pacing of blood-pressure polls and
 * where the scale's calibration comes from. Opening touches no chip: the sampler's first run of each schedule is the
 * probe.
 */
public final class SensorWiring {
    /** How much ECG the heart rate is computed over. */
    static final Duration ECG_WINDOW = Duration.ofSeconds(10);
    /** How much pleth SpO2 and pulse are computed over. */
    static final Duration OXIMETRY_WINDOW = Duration.ofSeconds(8);

    /** Where the scale's calibration comes from. */
    @FunctionalInterface
    public interface CalibrationSource {
        /** Reads the calibration kept in {@code file}. */
        Hx711Calibration load(Path file) throws IOException;
    }

    /**
     * What differs between a Pi and the simulation.
     *
     * @param hx711Timing  the HX711's pulse timing: busy-waiting on a Pi, the simulated chip's clock in simulation
     * @param serialPorts  the serial port of a device path
     * @param pacer        pacing of the blood-pressure monitor's status polls
     * @param calibrations where the scale's calibration comes from
     */
    public record Peripherals(PinTiming hx711Timing, Function<String, SerialPort> serialPorts, Pacer pacer,
            CalibrationSource calibrations) {}

    private SensorWiring() {}

    /** Opens every enabled sensor of {@code config} through {@code pi4j}. */
    public static FittedSensors open(Context pi4j, SensorsConfig config, Peripherals peripherals) {
        List<FittedSensors.Spot> spot = new ArrayList<>();
        if (config.thermometer().enabled()) {
            spot.add(new FittedSensors.Spot(new Mlx90614Thermometer(Mlx90614.open(pi4j, config.thermometer().bus(),
                    config.thermometer().address())), config.thermometer().interval()));
        }
        if (config.scale().enabled()) {
            Hx711 chip = Hx711.open(pi4j, config.scale().clockPin(), config.scale().dataPin(),
                    peripherals.hx711Timing(), ReadyPolling.TEN_SPS);
            spot.add(new FittedSensors.Spot(scale(chip, config.scale().calibrationFile(), peripherals.calibrations()),
                    config.scale().interval()));
        }
        Optional<FittedSensors.Oximeter> oximeter = Optional.empty();
        if (config.oximeter().enabled()) {
            Max30102Config chipConfig = Max30102Config.DEFAULT;
            PulseOximeter pulseOximeter = new PulseOximeter(Max30102.open(pi4j, config.oximeter().bus(),
                    config.oximeter().address()), chipConfig, OXIMETRY_WINDOW);
            oximeter = Optional.of(new FittedSensors.Oximeter(pulseOximeter, chipConfig.outputRateHz(),
                    config.oximeter().pollInterval(), config.oximeter().batch(), config.oximeter().resultInterval()));
        }
        Optional<FittedSensors.Ecg> ecg = Optional.empty();
        if (config.ecg().enabled()) {
            Ads1115Config adcConfig = new Ads1115Config(Ads1115Config.ECG.input(), Ads1115Config.ECG.range(),
                    dataRate(config.ecg().sampleRate()));
            EcgMonitor monitor = new EcgMonitor(Ads1115.open(pi4j, config.ecg().bus(), config.ecg().address()),
                    adcConfig, Ad8232LeadOffPins.open(pi4j, config.ecg().leadOffPlusPin(),
                            config.ecg().leadOffMinusPin()), Ad8232FrontEnd.TYPICAL, ECG_WINDOW);
            ecg = Optional.of(new FittedSensors.Ecg(monitor, config.ecg().batch(), config.ecg().heartRateInterval()));
        }
        Optional<FittedSensors.BloodPressure> bloodPressure = Optional.empty();
        if (config.bloodPressure().enabled()) {
            SerialPort port = new ReopeningSerialPort(
                    peripherals.serialPorts().apply(config.bloodPressure().serialDevice()));
            bloodPressure = Optional.of(new FittedSensors.BloodPressure(new BloodPressureMonitor(port,
                    peripherals.pacer(), BloodPressureMonitor.Settings.DEFAULT),
                    config.bloodPressure().checkInterval()));
        }
        return new FittedSensors(spot, ecg, oximeter, bloodPressure);
    }

    private static ScalarSensor scale(Hx711 chip, Path calibrationFile, CalibrationSource calibrations) {
        Hx711Calibration calibration;
        try {
            calibration = calibrations.load(calibrationFile);
        } catch (IOException | IllegalArgumentException e) {
            // A scale without a calibration can still be probed; it reports why it gives no weight.
            return new UncalibratedScale(chip, "not calibrated: " + calibrationFile + " cannot be used ("
                    + e.getMessage() + "); tare and calibrate the scale");
        }
        return new Hx711Scale(chip, calibration, Hx711Scale.Settings.DEFAULT);
    }

    private static Ads1115Config.DataRate dataRate(int perSecond) {
        for (Ads1115Config.DataRate rate : Ads1115Config.DataRate.values()) {
            if (rate.perSecond() == perSecond) {
                return rate;
            }
        }
        throw new IllegalArgumentException("the ADS1115 has no data rate of " + perSecond + " samples/s");
    }
}

package org.telekiosk.agent.sensor.hx711;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * Body weight (LOINC 29463-7, in {@code kg}) from an HX711 and a load-cell platform on channel A. A reading averages
 * {@link Settings#samples()} conversions at the calibration's gain and refuses the lot if any sample lies more than
 * {@link Settings#maxSpreadKg()} from their median: a patient still moving, or a disturbed data line whose bits passed
 * the driver's checks. Weights below -1 kg or above the capacity are {@link Kind#OUT_OF_RANGE}.
 *
 * <p>Calibration procedure: with the platform empty, {@link #tare()}; then put a known weight (the heavier the better,
 * e.g. 50 kg of certified weights) on it and {@link #calibrate(double)}. Each returns the new calibration, which the
 * caller saves with {@link CalibrationFile#write}. Thread-safe.
 */
public final class Hx711Scale implements ScalarSensor {

    /** The sensor id used when a kiosk has one scale. */
    public static final SensorId DEFAULT_ID = SensorId.of("hx711");
    /** Body weight, measured. */
    public static final LoincCode BODY_WEIGHT = LoincCode.of("29463-7");
    /** Kilograms. */
    public static final UcumUnit KILOGRAM = UcumUnit.of("kg");

    /**
     * @param samples     conversions averaged per reading, 1..80
     * @param maxSpreadKg how far a sample may lie from the median, in kg, > 0
     * @param capacityKg  the platform's rated capacity, > 0
     */
    public record Settings(int samples, double maxSpreadKg, double capacityKg) {
        /** Ten samples (one second at 10 SPS), 0.5 kg spread, 200 kg capacity. */
        public static final Settings DEFAULT = new Settings(10, 0.5, 200);

        public Settings {
            if (samples < 1 || samples > 80) {
                throw new IllegalArgumentException("scale samples must be 1..80, was " + samples);
            }
            if (!(maxSpreadKg > 0) || !(capacityKg > 0)) {
                throw new IllegalArgumentException("scale spread and capacity must be > 0 kg");
            }
        }
    }

    private static final double MIN_KG = -1.0;
    /** A known weight must move the reading by at least this much to give a usable factor. */
    private static final double MIN_CALIBRATION_COUNTS = 1000;

    private final Hx711 chip;
    private final Settings settings;
    private Hx711Calibration calibration;

    public Hx711Scale(Hx711 chip, Hx711Calibration calibration, Settings settings) {
        this.chip = Objects.requireNonNull(chip, "chip");
        this.calibration = Objects.requireNonNull(calibration, "calibration");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public SensorId id() {
        return DEFAULT_ID;
    }

    @Override
    public LoincCode loinc() {
        return BODY_WEIGHT;
    }

    @Override
    public UcumUnit unit() {
        return KILOGRAM;
    }

    /** The calibration in use. */
    public synchronized Hx711Calibration calibration() {
        return calibration;
    }

    /** The weight on the platform in kg. */
    @Override
    public synchronized double read() throws SensorException {
        double kg = calibration.kilograms(averagedRaw());
        if (kg < MIN_KG || kg > settings.capacityKg()) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "%.2f kg is outside the scale's range %.0f..%.0f kg; tare the empty scale or check the load",
                    kg, MIN_KG, settings.capacityKg()));
        }
        return kg;
    }

    /** Takes the empty platform's reading as the new zero; returns the calibration to save. */
    public synchronized Hx711Calibration tare() throws SensorException {
        calibration = calibration.withOffset(averagedRaw());
        return calibration;
    }

    /**
     * With {@code knownKg} on the tared platform, sets the scale factor; returns the calibration to save.
     *
     * @throws SensorException of kind {@link Kind#OUT_OF_RANGE} if the weight hardly changes the reading
     */
    public synchronized Hx711Calibration calibrate(double knownKg) throws SensorException {
        if (!(knownKg > 0) || knownKg > settings.capacityKg()) {
            throw new IllegalArgumentException("known weight must be > 0 and at most the capacity, was " + knownKg);
        }
        double delta = averagedRaw() - calibration.offset();
        if (Math.abs(delta) < MIN_CALIBRATION_COUNTS) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "%.1f kg changed the reading by only %.0f counts; is it on the platform, is the load cell"
                            + " connected?", knownKg, delta));
        }
        calibration = calibration.withCountsPerKg(delta / knownKg);
        return calibration;
    }

    private double averagedRaw() throws SensorException {
        int[] raws = new int[settings.samples()];
        for (int i = 0; i < raws.length; i++) {
            raws[i] = chip.read(calibration.gain());
        }
        int[] sorted = raws.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + (double) sorted[sorted.length / 2]) / 2;
        double allowed = settings.maxSpreadKg() * Math.abs(calibration.countsPerKg());
        double worst = Math.max(median - sorted[0], sorted[sorted.length - 1] - median);
        if (worst > allowed) {
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "HX711 samples disagree by up to %.2f kg (at most %.2f kg allowed): the patient moved or the data"
                            + " line is disturbed", worst / Math.abs(calibration.countsPerKg()),
                    settings.maxSpreadKg()));
        }
        return Arrays.stream(raws).average().orElseThrow();
    }
}

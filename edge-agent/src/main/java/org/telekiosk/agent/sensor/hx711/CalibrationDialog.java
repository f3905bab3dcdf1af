package org.telekiosk.agent.sensor.hx711;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.agent.sensor.SensorException;

/**
 * The technician's scale calibration, step by step: tare the empty platform, calibrate with a known weight, check
 * the weight and the zero, and save to the calibration file only when the technician agrees. Every step that fails
 * (the platform is moving, the known weight hardly changes the reading, the chip does not answer) says why and may be
 * repeated; quitting, or the end of the input, leaves the file as it was.
 *
 * <p>The dialog talks to the technician through {@link Technician} (the console in {@code calibrate-scale}, a script
 * in tests) and tells the {@link Platform} what the technician did, so that a simulated platform can follow (a real
 * one ignores it).
 */
public final class CalibrationDialog {

    /** The person at the kiosk. */
    public interface Technician {
        /** Shows one line. */
        void tell(String line);

        /**
         * Shows {@code prompt} and waits for one line of input.
         *
         * @return the line, or empty at the end of the input
         */
        Optional<String> ask(String prompt) throws IOException;
    }

    /** What the technician did to the platform; a simulation puts the weights on, real hardware ignores it. */
    public interface Platform {
        /** A real platform, which needs no telling. */
        Platform REAL = new Platform() {};

        /** The technician says the platform is empty. */
        default void emptied() {}

        /** The technician says {@code kg} are on the platform. */
        default void loaded(double kg) {}
    }

    /** How the dialog ended. */
    public enum Result {
        /** The calibration was written to the file. */
        SAVED,
        /** The technician quit or declined to save; the file is unchanged. */
        NOT_SAVED
    }

    /** The largest difference from the known weight, and from zero, that the check accepts without a warning. */
    static final double TOLERANCE_KG = 0.1;

    private final Hx711Scale scale;
    private final Path file;
    private final Technician technician;
    private final Platform platform;
    private final double capacityKg;

    /**
     * @param scale      the scale to calibrate; its current calibration is only a starting point (any non-zero factor)
     * @param file       where the calibration is saved, atomically ({@link CalibrationFile#write})
     * @param capacityKg the platform's rated capacity: the largest known weight accepted
     */
    public CalibrationDialog(Hx711Scale scale, Path file, double capacityKg, Technician technician,
            Platform platform) {
        this.scale = Objects.requireNonNull(scale, "scale");
        this.file = Objects.requireNonNull(file, "file");
        this.technician = Objects.requireNonNull(technician, "technician");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.capacityKg = capacityKg;
    }

    /** Runs the dialog to its end. */
    public Result run() throws IOException {
        technician.tell("Scale calibration. The result is saved to " + file + " only if you agree at the end.");
        technician.tell("Type q at any question to quit without saving.");
        if (!tare()) {
            return quit();
        }
        Optional<Double> known = calibrate();
        if (known.isEmpty()) {
            return quit();
        }
        if (!check(known.get())) {
            return quit();
        }
        Optional<String> save = technician.ask("Save this calibration to " + file + "? (y/j = yes, anything else"
                + " = no)");
        if (save.isEmpty() || !isYes(save.get())) {
            return quit();
        }
        CalibrationFile.write(file, scale.calibration());
        technician.tell("Saved. Restart the agent so that it uses the new calibration.");
        return Result.SAVED;
    }

    private boolean tare() throws IOException {
        while (true) {
            Optional<String> answer = technician.ask("Remove everything from the platform, then press Enter.");
            if (answer.isEmpty() || isQuit(answer.get())) {
                return false;
            }
            platform.emptied();
            try {
                Hx711Calibration tared = scale.tare();
                technician.tell(String.format(Locale.ROOT, "Zero taken (%.1f counts).", tared.offset()));
                return true;
            } catch (SensorException e) {
                technician.tell("The zero could not be taken: " + e.getMessage() + ". Try again.");
            }
        }
    }

    private Optional<Double> calibrate() throws IOException {
        while (true) {
            Optional<String> answer = technician.ask(String.format(Locale.ROOT, "Put a known weight on the platform"
                    + " (the heavier the better, up to %.0f kg; e.g. 50 kg of certified weights) and type its mass in"
                    + " kg.", capacityKg));
            if (answer.isEmpty() || isQuit(answer.get())) {
                return Optional.empty();
            }
            Optional<Double> kg = kilograms(answer.get());
            if (kg.isEmpty()) {
                technician.tell("'" + answer.get().strip() + "' is not a mass in kg between 0 and " + (int) capacityKg
                        + "; type a number such as 50 or 50.5.");
                continue;
            }
            platform.loaded(kg.get());
            try {
                Hx711Calibration calibrated = scale.calibrate(kg.get());
                technician.tell(String.format(Locale.ROOT, "Factor set (%.2f counts per kg).",
                        calibrated.countsPerKg()));
                return kg;
            } catch (SensorException e) {
                technician.tell("The factor could not be set: " + e.getMessage() + ". Try again.");
            }
        }
    }

    private boolean check(double knownKg) throws IOException {
        try {
            double withWeight = scale.read();
            technician.tell(String.format(Locale.ROOT, "With %.2f kg on it, the scale now reads %.2f kg.", knownKg,
                    withWeight));
            Optional<String> answer = technician.ask("Remove the weight, then press Enter to check the zero.");
            if (answer.isEmpty() || isQuit(answer.get())) {
                return false;
            }
            platform.emptied();
            double empty = scale.read();
            technician.tell(String.format(Locale.ROOT, "Empty, the scale reads %.2f kg.", empty));
            if (Math.abs(withWeight - knownKg) > TOLERANCE_KG || Math.abs(empty) > TOLERANCE_KG) {
                technician.tell(String.format(Locale.ROOT, "Warning: that is more than %.1f kg off. Check that the"
                        + " platform stands level and nothing touches it, then calibrate again.", TOLERANCE_KG));
            }
            return true;
        } catch (SensorException e) {
            technician.tell("The check failed: " + e.getMessage() + ". Nothing was saved; calibrate again.");
            return false;
        }
    }

    private Result quit() {
        technician.tell("Nothing was saved; " + file + " is unchanged.");
        return Result.NOT_SAVED;
    }

    /** A mass in kg, with a decimal point or a German decimal comma, within (0, capacity]. */
    private Optional<Double> kilograms(String answer) {
        String text = answer.strip().toLowerCase(Locale.ROOT).replace(',', '.');
        if (text.endsWith("kg")) {
            text = text.substring(0, text.length() - 2).strip();
        }
        if (!text.matches("[0-9]{1,4}(\\.[0-9]{1,3})?")) {
            return Optional.empty();
        }
        double kg = Double.parseDouble(text);
        return kg > 0 && kg <= capacityKg ? Optional.of(kg) : Optional.empty();
    }

    private static boolean isQuit(String answer) {
        return answer.strip().equalsIgnoreCase("q");
    }

    private static boolean isYes(String answer) {
        String a = answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes") || a.equals("j") || a.equals("ja");
    }
}

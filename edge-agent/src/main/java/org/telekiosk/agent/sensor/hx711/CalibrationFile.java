package org.telekiosk.agent.sensor.hx711;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scale's calibration on disk: a small UTF-8 text file, one {@code key=value} per line, {@code #} comments and
 * blank lines ignored. Every key is required, none may repeat, no other key is allowed:
 *
 * <pre>
 * # Telekiosk HX711 scale calibration
 * format=1
 * gain=A_128            # A_128 or A_64 (channel A)
 * offset=107374.2       # raw value of the empty scale, counts
 * counts-per-kg=10737.4 # scale factor, counts per kilogram
 * </pre>
 *
 * Numbers are plain decimals with a dot. {@link #write} replaces the file atomically (write to a temporary file, then
 * move), so a power cut leaves the old calibration or the new one, never half of one.
 */
public final class CalibrationFile {

    private static final String FORMAT = "1";
    private static final List<String> KEYS = List.of("format", "gain", "offset", "counts-per-kg");

    private CalibrationFile() {}

    /**
     * Reads a calibration.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if its content is not a valid calibration; the message names the line or key
     */
    public static Hx711Calibration read(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            int eq = content.indexOf('=');
            if (eq <= 0) {
                throw invalid(file, "line " + (i + 1) + " is not key=value: '" + line + "'");
            }
            String key = content.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw invalid(file, "line " + (i + 1) + ": unknown key '" + key + "' (expected " + KEYS + ")");
            }
            if (values.put(key, content.substring(eq + 1).strip()) != null) {
                throw invalid(file, "line " + (i + 1) + ": key '" + key + "' given twice");
            }
        }
        for (String key : KEYS) {
            if (!values.containsKey(key)) {
                throw invalid(file, "key '" + key + "' is missing");
            }
        }
        if (!FORMAT.equals(values.get("format"))) {
            throw invalid(file, "format must be " + FORMAT + ", was '" + values.get("format") + "'");
        }
        try {
            return new Hx711Calibration(gain(file, values.get("gain")), number(file, values, "offset"),
                    number(file, values, "counts-per-kg"));
        } catch (IllegalArgumentException e) {
            throw invalid(file, e.getMessage());
        }
    }

    /** Writes {@code calibration} to {@code file}, replacing it atomically. */
    public static void write(Path file, Hx711Calibration calibration) throws IOException {
        String text = String.format(Locale.ROOT, """
                # Telekiosk HX711 scale calibration
                format=%s
                gain=%s
                offset=%s
                counts-per-kg=%s
                """, FORMAT, calibration.gain(), calibration.offset(), calibration.countsPerKg());
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Gain gain(Path file, String value) {
        try {
            return Gain.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw invalid(file, "gain must be A_128 or A_64, was '" + value + "'");
        }
    }

    private static double number(Path file, Map<String, String> values, String key) {
        String value = values.get(key);
        if (!value.matches("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw invalid(file, key + " must be a decimal number, was '" + value + "'");
        }
        return Double.parseDouble(value);
    }

    private static IllegalArgumentException invalid(Path file, String why) {
        return new IllegalArgumentException("HX711 calibration " + file + ": " + why);
    }
}

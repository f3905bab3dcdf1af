package org.telekiosk.broker.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the doctor's call view highlights: the range of each vital sign outside which a value is marked
 * "außerhalb des Bereichs · outside range" (no diagnosis, only a range a practice chooses), and after how long a
 * value is shown as old. Keys {@code vitals.stale-after} and {@code vitals.range.<LOINC>} in
 * {@code broker-defaults.properties}; served as {@code GET /api/v1/vital-ranges}.
 *
 * @param staleAfter {@code vitals.stale-after}, 10 s .. 1 day
 * @param ranges     LOINC code → range, in the unit the kiosk sends (UCUM); a code without a range is never marked
 */
public record VitalRanges(Duration staleAfter, Map<String, Range> ranges) {
    /** The prefix of the range keys; the LOINC code follows. */
    public static final String RANGE_PREFIX = "vitals.range.";

    public VitalRanges {
        Objects.requireNonNull(staleAfter, "vitals.stale-after is required");
        if (staleAfter.compareTo(Duration.ofSeconds(10)) < 0 || staleAfter.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("vitals.stale-after must be PT10S..P1D, was " + staleAfter);
        }
        ranges = Map.copyOf(new TreeMap<>(ranges));
    }

    /** Inclusive bounds; values below {@code low} or above {@code high} are outside. */
    public record Range(double low, double high) {
        public Range {
            if (!Double.isFinite(low) || !Double.isFinite(high) || low >= high) {
                throw new IllegalArgumentException("a range needs finite bounds with low < high, was " + low + ".."
                        + high);
            }
        }

        /**
         * Parses {@code low..high} as written under {@code key}; an empty text means "no range" (null).
         *
         * @throws IllegalArgumentException naming the key and the expected form
         */
        static Range parse(String key, String text) {
            String value = text.strip();
            if (value.isEmpty()) {
                return null;
            }
            String[] bounds = value.split("\\.\\.", -1);
            try {
                if (bounds.length != 2) {
                    throw new IllegalArgumentException("not two bounds");
                }
                return new Range(Double.parseDouble(bounds[0].strip()), Double.parseDouble(bounds[1].strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " must be 'low..high' with numbers low < high (or empty for"
                        + " no range), was '" + value + "'", e);
            }
        }
    }

    /** The answer of {@code GET /api/v1/vital-ranges}. */
    public record View(long staleAfterSeconds, Map<String, Range> ranges) {}

    public View view() {
        return new View(staleAfter.toSeconds(), ranges);
    }
}

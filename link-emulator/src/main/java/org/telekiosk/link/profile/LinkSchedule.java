package org.telekiosk.link.profile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A link over time: steady links one after another ({@link Phase}s), each lasting a duration drawn (seeded) from its
 * range; the phases repeat, or the last one lasts for ever. A steady profile is one phase for ever. Times are
 * nanoseconds since the schedule began. Same seed, same durations: a run can be repeated.
 */
public final class LinkSchedule {
    /** Ends of segments that last for ever. */
    public static final long FOREVER = Long.MAX_VALUE;

    /** A steady link for between {@code min} and {@code max}. */
    public record Phase(LinkProfile profile, Duration min, Duration max) {
        public Phase {
            Objects.requireNonNull(profile, "profile");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("a phase lasts > 0 and min <= max, was " + min + ".." + max);
            }
        }

        public static Phase fixed(LinkProfile profile, Duration duration) {
            return new Phase(profile, duration, duration);
        }
    }

    /** One stretch of a steady link: {@code [startNanos, endNanos)}. */
    public record Segment(LinkProfile profile, long startNanos, long endNanos) {}

    private final String name;
    private final List<Phase> phases;
    private final boolean repeat;
    private final SplittableRandom random;
    private final List<Segment> segments = new ArrayList<>();

    private LinkSchedule(String name, List<Phase> phases, boolean repeat, long seed) {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one phase");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.phases = List.copyOf(phases);
        this.repeat = repeat;
        this.random = new SplittableRandom(seed);
    }

    /** {@code profile} for ever. */
    public static LinkSchedule steady(LinkProfile profile) {
        return new LinkSchedule(profile.name(), List.of(Phase.fixed(profile, Duration.ofSeconds(1))), false, 0);
    }

    /** The phases in a loop, for ever. */
    public static LinkSchedule repeating(String name, List<Phase> phases, long seed) {
        return new LinkSchedule(name, phases, true, seed);
    }

    /** The phases once; the last one lasts for ever (its duration is not used). */
    public static LinkSchedule once(String name, List<Phase> phases, long seed) {
        return new LinkSchedule(name, phases, false, seed);
    }

    public String name() {
        return name;
    }

    public List<Phase> phases() {
        return phases;
    }

    public boolean repeats() {
        return repeat;
    }

    /** The segment that contains {@code atNanos} (>= 0). */
    public synchronized Segment segmentAt(long atNanos) {
        if (atNanos < 0) {
            throw new IllegalArgumentException("times start at 0, was " + atNanos);
        }
        while (segments.isEmpty() || segments.getLast().endNanos() <= atNanos) {
            extend();
        }
        // Segments are few and queried mostly at the end; search from the end.
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).startNanos() <= atNanos) {
                return segments.get(i);
            }
        }
        throw new AssertionError("segments start at 0");
    }

    /** The profile in force at {@code atNanos}. */
    public LinkProfile at(long atNanos) {
        return segmentAt(atNanos).profile();
    }

    /**
     * The first instant at or after {@code atNanos} at which {@code direction} is not cut, or {@link #FOREVER} if it
     * never is again.
     */
    public long nextOpen(long atNanos, Direction direction) {
        if (phases.stream().allMatch(phase -> direction.of(phase.profile()).blackout())) {
            return FOREVER;
        }
        Segment segment = segmentAt(atNanos);
        long at = atNanos;
        while (direction.of(segment.profile()).blackout()) {
            if (segment.endNanos() == FOREVER) {
                return FOREVER;
            }
            at = segment.endNanos();
            segment = segmentAt(at);
        }
        return at;
    }

    private void extend() {
        int index = segments.size();
        long start = segments.isEmpty() ? 0 : segments.getLast().endNanos();
        if (!repeat && index >= phases.size() - 1) {
            segments.add(new Segment(phases.getLast().profile(), start, FOREVER));
            return;
        }
        Phase phase = phases.get(index % phases.size());
        long min = phase.min().toNanos();
        long spread = phase.max().toNanos() - min;
        long length = spread == 0 ? min : min + random.nextLong(spread + 1);
        segments.add(new Segment(phase.profile(), start, start + length));
    }

    @Override
    public String toString() {
        return name + phases;
    }
}

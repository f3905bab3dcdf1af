package org.telekiosk.hardware.load;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which of the generator's cheaper paths run in the current step: all of them unless {@code -Dload.paths} (given to
 * the generator's JVM, e.g. through {@code LOADGEN_JAVA_OPTS}) names a variant per step, so that a change to the
 * generator can be measured A/B within one run, on the same broker, connections and machine load, the variants
 * interleaved step by step (docs/benchmarks.md, "The generator's CPU a reading, fifteenth session"). Each path's old
 * way is what the generator did before it (the protocol's codec per publish; {@code Instant.parse} per frame; a
 * boxed sample in a concurrent queue per latency). A variant is {@code old} or {@code +}-joined path names, e.g.
 * {@code -Dload.paths=old,encode,encode+frames+latency}; the list is used in turn, step by step.
 */
final class GeneratorPaths {
    /** The cheaper paths, each a change of the fifteenth session. */
    enum Path {
        /** The readings' CBOR written by hand ({@link ReadingBytes}) instead of the protocol's codec per publish. */
        ENCODE,
        /** A viewer frame's instants and sample rate read in place ({@link ViewerFrames}) instead of parsed. */
        FRAMES,
        /** Latencies into a {@code long[]} ({@link LatencySamples}) instead of boxed into a concurrent queue. */
        LATENCY
    }

    private final List<Set<Path>> variants;
    private volatile Set<Path> current;

    GeneratorPaths(List<Set<Path>> variants) {
        this.variants = List.copyOf(variants);
        this.current = this.variants.getFirst();
    }

    /** Every path the cheaper way, in every step. */
    static GeneratorPaths all() {
        return new GeneratorPaths(List.of(EnumSet.allOf(Path.class)));
    }

    /** From {@code -Dload.paths}: blank for {@link #all()}. */
    static GeneratorPaths of(String spec) {
        if (spec == null || spec.isBlank()) {
            return all();
        }
        List<Set<Path>> variants = new ArrayList<>();
        for (String variant : spec.split(",")) {
            EnumSet<Path> on = EnumSet.noneOf(Path.class);
            if (!variant.trim().equals("old")) {
                for (String name : variant.split("\\+")) {
                    on.add(Path.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                }
            }
            variants.add(on);
        }
        return new GeneratorPaths(variants);
    }

    /** Chooses step {@code step}'s variant (0 for the first step). */
    void step(int step) {
        current = variants.get(step % variants.size());
    }

    boolean on(Path path) {
        return current.contains(path);
    }

    /** The current variant's name, as {@code -Dload.paths} spells it. */
    String variant() {
        Set<Path> on = current;
        if (on.isEmpty()) {
            return "old";
        }
        return String.join("+", on.stream().map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
    }
}

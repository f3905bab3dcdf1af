package org.telekiosk.link.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link profiles of a {@code link-profiles.properties} file (the bundled one documents the keys): steady
 * profiles and schedules of them. Strict: an unknown key, a malformed value or a phase naming an unknown profile is
 * refused with a message that names the key.
 */
public final class LinkProfiles {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Set<String> STEADY_KEYS = Set.of("rate", "delay", "jitter", "loss", "reorder");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min)");
    private static final Pattern PHASE = Pattern.compile("([a-z0-9][a-z0-9-]*):([^.]+?)(?:\\.\\.(.+))?");

    private final Map<String, LinkProfile> steady;
    private final Map<String, PhaseSpec> schedules;

    private record PhaseSpec(List<LinkSchedule.Phase> phases, boolean repeat) {}

    private LinkProfiles(Map<String, LinkProfile> steady, Map<String, PhaseSpec> schedules) {
        this.steady = steady;
        this.schedules = schedules;
    }

    /** The profiles bundled with the emulator ({@code link-profiles.properties} on the class path). */
    public static LinkProfiles bundled() {
        try (InputStream in = LinkProfiles.class.getResourceAsStream("/link-profiles.properties")) {
            if (in == null) {
                throw new IllegalStateException("link-profiles.properties is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return parse(properties);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled link-profiles.properties", e);
        }
    }

    public static LinkProfiles load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            Properties properties = new Properties();
            properties.load(reader);
            return parse(properties);
        }
    }

    /** Parses the keys of a profiles file. */
    public static LinkProfiles parse(Properties properties) {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            int dot = key.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException(key + ": expected <profile>.<key>, e.g. edge.delay");
            }
            String name = key.substring(0, dot);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(key + ": a profile name is lower case letters, digits and '-'");
            }
            byName.computeIfAbsent(name, n -> new LinkedHashMap<>())
                    .put(key.substring(dot + 1), properties.getProperty(key).trim());
        }
        Map<String, LinkProfile> steady = new LinkedHashMap<>();
        Map<String, Map<String, String>> scheduleKeys = new LinkedHashMap<>();
        for (var entry : byName.entrySet()) {
            if (entry.getValue().containsKey("phases")) {
                scheduleKeys.put(entry.getKey(), entry.getValue());
            } else {
                steady.put(entry.getKey(), steadyProfile(entry.getKey(), entry.getValue()));
            }
        }
        Map<String, PhaseSpec> schedules = new LinkedHashMap<>();
        for (var entry : scheduleKeys.entrySet()) {
            schedules.put(entry.getKey(), phaseSpec(entry.getKey(), entry.getValue(), steady));
        }
        return new LinkProfiles(steady, schedules);
    }

    /** Every profile's name, steady ones first. */
    public List<String> names() {
        List<String> names = new ArrayList<>(steady.keySet());
        names.addAll(schedules.keySet());
        return names;
    }

    /** A steady profile by name. */
    public LinkProfile profile(String name) {
        LinkProfile profile = steady.get(name);
        if (profile == null) {
            throw new IllegalArgumentException("no steady link profile '" + name + "'; steady ones: " + steady.keySet());
        }
        return profile;
    }

    /** The schedule of a profile (a steady one lasts for ever); {@code seed} draws the phases' durations. */
    public LinkSchedule schedule(String name, long seed) {
        PhaseSpec spec = schedules.get(name);
        if (spec != null) {
            return spec.repeat()
                    ? LinkSchedule.repeating(name, spec.phases(), seed)
                    : LinkSchedule.once(name, spec.phases(), seed);
        }
        if (steady.containsKey(name)) {
            return LinkSchedule.steady(steady.get(name));
        }
        throw new IllegalArgumentException("no link profile '" + name + "'; known: " + names());
    }

    private static LinkProfile steadyProfile(String name, Map<String, String> keys) {
        for (String key : keys.keySet()) {
            String attribute = key.startsWith("up.") || key.startsWith("down.") ? key.substring(key.indexOf('.') + 1)
                    : key;
            if (!STEADY_KEYS.contains(attribute)) {
                throw new IllegalArgumentException(name + "." + key + ": unknown key; a steady profile has "
                        + STEADY_KEYS + " (optionally after up. or down.), a schedule has phases and repeat");
            }
        }
        return new LinkProfile(name, direction(name, "up", keys), direction(name, "down", keys));
    }

    private static DirectionProfile direction(String name, String direction, Map<String, String> keys) {
        try {
            return new DirectionProfile(
                    rate(name, value(keys, direction, "rate", "0")),
                    duration(name + "." + direction + ".delay", value(keys, direction, "delay", "0ms")),
                    duration(name + "." + direction + ".jitter", value(keys, direction, "jitter", "0ms")),
                    share(name + "." + direction + ".loss", value(keys, direction, "loss", "0")),
                    share(name + "." + direction + ".reorder", value(keys, direction, "reorder", "0")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " (" + direction + "): " + e.getMessage(), e);
        }
    }

    private static String value(Map<String, String> keys, String direction, String key, String fallback) {
        return keys.getOrDefault(direction + "." + key, keys.getOrDefault(key, fallback));
    }

    private static PhaseSpec phaseSpec(String name, Map<String, String> keys, Map<String, LinkProfile> steady) {
        for (String key : keys.keySet()) {
            if (!key.equals("phases") && !key.equals("repeat")) {
                throw new IllegalArgumentException(name + "." + key + ": unknown key; a schedule has phases and repeat");
            }
        }
        String repeat = keys.getOrDefault("repeat", "true");
        if (!repeat.equals("true") && !repeat.equals("false")) {
            throw new IllegalArgumentException(name + ".repeat: true or false, was '" + repeat + "'");
        }
        List<LinkSchedule.Phase> phases = new ArrayList<>();
        for (String part : keys.get("phases").split(",")) {
            Matcher m = PHASE.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException(name + ".phases: expected profile:duration or profile:min..max, was '"
                        + part.trim() + "'");
            }
            LinkProfile profile = steady.get(m.group(1));
            if (profile == null) {
                throw new IllegalArgumentException(name + ".phases: '" + m.group(1)
                        + "' is not a steady profile of this file " + steady.keySet());
            }
            Duration min = duration(name + ".phases", m.group(2));
            Duration max = m.group(3) == null ? min : duration(name + ".phases", m.group(3));
            try {
                phases.add(new LinkSchedule.Phase(profile, min, max));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ".phases: " + e.getMessage(), e);
            }
        }
        return new PhaseSpec(phases, Boolean.parseBoolean(repeat));
    }

    /** {@code 256kbit}, {@code 2mbit}, {@code 10mbit}, {@code 1500bit} or bits per second as a number. */
    static long rate(String key, String text) {
        Matcher m = RATE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ".rate: expected e.g. 256kbit or 2mbit, was '" + text + "'");
        }
        double number = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2) == null ? "bit" : m.group(2)) {
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            case "gbit" -> 1_000_000_000L;
            default -> 1L;
        };
        return Math.round(number * unit);
    }

    /** {@code 150ms}, {@code 20s}, {@code 2min}. */
    static Duration duration(String key, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": expected a duration like 150ms, 20s or 2min, was '" + text
                    + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    /** {@code 3%} or {@code 0.03}, in [0, 1]. */
    static double share(String key, String text) {
        String t = text.trim();
        double value;
        try {
            value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a share like 3% or 0.03, was '" + text + "'");
        }
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(key + ": a share in [0%, 100%], was '" + text + "'");
        }
        return value;
    }
}

package org.telekiosk.agent;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the arguments of {@code run}, the command a kiosk's unit starts, without picocli: picocli is 168 classes
 * (Java 5 class files, which the class data archive skips) that would stay loaded for the agent's whole life, about
 * 1 MiB of resident memory (docs/benchmarks.md, "The agent's memory"). Only the plain forms are read here ({@code
 * --option value}, {@code --option=value}, each option at most once, {@code --config} given, numbers that parse);
 * anything else, help and version included, is left to picocli, so its messages and exit codes stay the only ones.
 */
final class RunArgs {
    private RunArgs() {
    }

    /** The {@code run} command for {@code args}, or {@code null} when picocli must read them. */
    static AgentMain.Run parse(String[] args) {
        if (args.length == 0 || !"run".equals(args[0])) {
            return null;
        }
        AgentMain.Run run = new AgentMain.Run();
        run.bodyTemperature = Double.parseDouble(AgentMain.Run.DEFAULT_BODY_TEMPERATURE);
        run.weight = Double.parseDouble(AgentMain.Run.DEFAULT_WEIGHT);
        run.spo2 = Double.parseDouble(AgentMain.Run.DEFAULT_SPO2);
        run.heartRate = Double.parseDouble(AgentMain.Run.DEFAULT_HEART_RATE);
        run.bloodPressure = AgentMain.Run.DEFAULT_BLOOD_PRESSURE;
        Set<String> seen = new HashSet<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String name = args[i];
                String value = null;
                int equals = name.indexOf('=');
                if (equals > 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                }
                if (!seen.add(name)) {
                    return null;
                }
                if ("--simulate".equals(name)) {
                    if (value != null) {
                        return null;
                    }
                    run.simulate = true;
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        return null;
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "--config" -> run.config = Path.of(value);
                    case "--sim-body-temperature" -> run.bodyTemperature = Double.parseDouble(value);
                    case "--sim-weight" -> run.weight = Double.parseDouble(value);
                    case "--sim-spo2" -> run.spo2 = Double.parseDouble(value);
                    case "--sim-heart-rate" -> run.heartRate = Double.parseDouble(value);
                    case "--sim-blood-pressure" -> run.bloodPressure = value;
                    default -> {
                        return null;
                    }
                }
            }
        } catch (RuntimeException e) {
            return null; // a number or path that does not parse: picocli says so in its words
        }
        return run.config == null ? null : run;
    }
}

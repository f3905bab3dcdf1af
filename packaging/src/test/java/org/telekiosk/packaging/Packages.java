package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The packages this module built, and the Debian tools that read and install them. */
final class Packages {
    static final String BROKER = "telekiosk-broker";
    static final String AGENT = "telekiosk-edge-agent";

    private Packages() {}

    /** The built {@code <name>_<version>_all.deb} in {@code packages.dir}. */
    static Path deb(String name) throws IOException {
        Path dir = Path.of(System.getProperty("packages.dir", "target"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(name + "_")
                    && f.getFileName().toString().endsWith("_all.deb")).toList();
            assertEquals(1, found.size(), "one " + name + "_*_all.deb in " + dir + ": " + found);
            return found.getFirst();
        }
    }

    /** Source files of the packaging (src/deb). */
    static Path source(String relative) {
        return Path.of(System.getProperty("packages.src", "src/deb")).resolve(relative);
    }

    /** A file extracted from a package's data with {@code dpkg-deb -x} into {@code into}. */
    static Path extract(String name, Path into) throws IOException {
        run(List.of("dpkg-deb", "-x", deb(name).toString(), into.toString()));
        return into;
    }

    /** The package's control fields ({@code dpkg-deb -f}). */
    static Map<String, String> control(String name) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        String key = null;
        for (String line : run(List.of("dpkg-deb", "-f", deb(name).toString())).lines().toList()) {
            if (line.startsWith(" ") && key != null) {
                fields.merge(key, "\n" + line.strip(), String::concat);
            } else if (line.contains(":")) {
                key = line.substring(0, line.indexOf(':'));
                fields.put(key, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return fields;
    }

    /** One entry of {@code dpkg-deb -c}. */
    record Entry(String mode, String owner, long size, String path) {
        static Entry parse(String line) {
            String[] parts = line.strip().split("\\s+", 6);
            String path = parts[5].substring(parts[5].indexOf("./") + 1);
            return new Entry(parts[0], parts[1], Long.parseLong(parts[2]), path.endsWith("/") && path.length() > 1
                    ? path.substring(0, path.length() - 1) : path);
        }

        boolean directory() {
            return mode.startsWith("d");
        }
    }

    /** The package's data entries by path. */
    static Map<String, Entry> contents(String name) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String line : run(List.of("dpkg-deb", "-c", deb(name).toString())).lines().toList()) {
            Entry entry = Entry.parse(line);
            entries.put(entry.path(), entry);
        }
        return entries;
    }

    /** A control file of the package ({@code dpkg-deb -I deb file}). */
    static String controlFile(String name, String file) throws IOException {
        return run(List.of("dpkg-deb", "-I", deb(name).toString(), file));
    }

    /** Runs a command to its end (at most two minutes); its standard output, or a failure with both streams. */
    static String run(List<String> command) throws IOException {
        Result result = exec(command, Map.of());
        assertTrue(result.exitCode() == 0, () -> command + " exited " + result.exitCode() + ":\n" + result.output());
        return result.stdout();
    }

    record Result(int exitCode, String stdout, String output) {}

    /** Runs a command to its end with extra environment; its exit code, standard output and both streams. */
    static Result exec(List<String> command, Map<String, String> environment) throws IOException {
        Path out = Files.createTempFile("packaging-out", ".txt");
        Path err = Files.createTempFile("packaging-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try {
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IOException(command + " did not finish within two minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IOException("interrupted", e);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), stdout, stdout + Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Starts this JDK's {@code java} with {@code options} (space-separated, as a unit's or an env file's JAVA_OPTS) and
     * {@code -XX:+PrintFlagsFinal -version}: asserts it starts without a warning (a misspelt or retired option is
     * ignored with one, or stops the start) and returns the final value of every flag by name.
     */
    static Map<String, String> finalJvmFlags(String options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options.split(" ")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Result result = exec(command, Map.of());
        assertEquals(0, result.exitCode(), result.output());
        String stderr = result.output().substring(result.stdout().length());
        assertTrue(!stderr.toLowerCase(java.util.Locale.ROOT).contains("warning"), stderr);
        Map<String, String> flags = new LinkedHashMap<>();
        for (String flag : result.stdout().lines().toList()) {
            String[] words = flag.trim().split("\\s+");
            if (words.length >= 4 && words[2].equals("=")) {
                flags.put(words[1], words[3]);
            }
        }
        return flags;
    }

    /** Whether a program is on this machine's PATH. */
    static boolean installed(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}

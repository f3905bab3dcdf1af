package org.telekiosk.agent.enrollment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files enrollment leaves in the kiosk's directory, and the configuration keys it manages in
 * {@value #CONFIG}; other keys a technician added there are kept.
 */
public final class AgentFiles {
    public static final String KEY = "kiosk.key";
    public static final String CERT = "kiosk.crt";
    public static final String CA = "ca.pem";
    public static final String CONFIG = "agent.properties";

    private AgentFiles() {}

    /** Writes {@code managed} keys into the configuration file (0600), keeping every other line. */
    static void writeConfig(Path dir, Map<String, String> managed) throws IOException {
        Path file = dir.resolve(CONFIG);
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String key = line.contains("=") ? line.substring(0, line.indexOf('=')).strip() : "";
                if (!managed.containsKey(key) && !line.startsWith("# Written by 'edge-agent enroll'")) {
                    kept.add(line);
                }
            }
        }
        StringBuilder out = new StringBuilder("# Written by 'edge-agent enroll'; the keys below this line are managed "
                + "by enrollment and renewal.\n");
        kept.forEach(l -> out.append(l).append('\n'));
        new LinkedHashMap<>(managed).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        KioskKeys.writeSecret(file, out.toString());
    }
}

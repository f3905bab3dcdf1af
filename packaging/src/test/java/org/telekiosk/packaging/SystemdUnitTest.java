package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The units as the packages install them: their hardening keys, {@code systemd-analyze verify} over a tree of both
 * packages (in which it resolves the units' programs and targets), and {@code systemd-analyze security}'s exposure.
 */
class SystemdUnitTest {
    private static final String UNITS = "/usr/lib/systemd/system/";

    @TempDir
    static Path tree;

    @BeforeAll
    static void extractBothPackagesIntoATreeWithTheHostsTargets() throws IOException {
        assumeTrue(Packages.installed("dpkg-deb"), "dpkg-deb reads the packages (Debian's dpkg)");
        Packages.extract(Packages.BROKER, tree);
        Packages.extract(Packages.AGENT, tree);
        // The targets, slices and sockets the units name come with systemd, not with these packages.
        for (String hostUnits : List.of("/lib/systemd/system", "/usr/lib/systemd/system")) {
            Path dir = Path.of(hostUnits);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> units = Files.list(dir)) {
                    for (Path unit : units.filter(u -> u.getFileName().toString()
                            .matches(".*\\.(target|slice|socket)")).toList()) {
                        Path copy = tree.resolve(UNITS.substring(1)).resolve(unit.getFileName().toString());
                        if (!Files.exists(copy)) {
                            Files.copy(unit, copy);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"telekiosk-broker.service, telekiosk-broker, /var/lib/telekiosk/broker",
        "telekiosk-edge-agent.service, telekiosk-agent, /var/lib/telekiosk/edge-agent"})
    void theServicesRunHardenedAsTheirOwnUserWritingOnlyTheirData(String unit, String user, String data)
            throws IOException {
        Map<String, List<String>> service = section(unit, "Service");
        assertEquals(List.of(user), service.get("User"));
        assertEquals(List.of(user), service.get("Group"));
        assertEquals(List.of("yes"), service.get("NoNewPrivileges"));
        assertEquals(List.of("strict"), service.get("ProtectSystem"));
        assertEquals(List.of("yes"), service.get("ProtectHome"));
        assertEquals(List.of("yes"), service.get("PrivateTmp"));
        assertEquals(List.of(""), service.get("CapabilityBoundingSet"), "an empty capability set");
        assertEquals(List.of(""), service.get("AmbientCapabilities"));
        assertEquals(List.of(data), service.get("ReadWritePaths"));
        assertEquals(List.of(data), service.get("WorkingDirectory"));
        assertEquals(List.of("journal"), service.get("StandardOutput"), "logs go to the journal");
        assertTrue(service.get("ExecStart").getFirst().startsWith("/usr/bin/" + unit.replace(".service", "")));
        assertTrue(!service.containsKey("SupplementaryGroups") && !service.containsKey("DeviceAllow"),
                "devices only through the user's groups");
    }

    @Test
    void theKioskStationRunsAsItsOwnUserWithoutPrivilegesAndIsAlwaysRestarted() throws IOException {
        Map<String, List<String>> service = section("telekiosk-kiosk.service", "Service");
        assertEquals(List.of("telekiosk-kiosk"), service.get("User"));
        assertEquals(List.of("yes"), service.get("NoNewPrivileges"));
        assertEquals(List.of(""), service.get("CapabilityBoundingSet"));
        assertEquals(List.of("always"), service.get("Restart"));
        assertEquals(List.of("+/usr/lib/telekiosk/kiosk-prepare"), service.get("ExecStartPre"));
        assertEquals(List.of("0"), section("telekiosk-kiosk.service", "Unit").get("StartLimitIntervalSec"));
    }

    @Test
    void theAgentsUpdatesAreInstalledByARootOneShotThatOnlyItsPathUnitStarts() throws IOException {
        assertEquals(List.of("/var/lib/telekiosk/edge-agent/updates/install-request"),
                section("telekiosk-agent-update.path", "Path").get("PathExists"));
        assertEquals(List.of("telekiosk-agent-update.service"),
                section("telekiosk-agent-update.path", "Path").get("Unit"));
        Map<String, List<String>> service = section("telekiosk-agent-update.service", "Service");
        assertEquals(List.of("oneshot"), service.get("Type"));
        assertEquals(List.of("root"), service.get("User"));
        assertTrue(service.get("ExecStart").getFirst().startsWith("/usr/bin/telekiosk-edge-agent install-update "),
                service.get("ExecStart").toString());
        assertTrue(!service.containsKey("EnvironmentFile"), "the agent's JVM options are not the installer's");
        assertEquals(List.of("telekiosk-agent-update.path"),
                section("telekiosk-edge-agent.service", "Unit").get("Wants").stream()
                        .filter(w -> w.contains("update")).toList(), "the agent brings the path unit up");
        // The agent itself stays without privileges: no sudo, no capability.
        assertEquals(List.of("yes"), section("telekiosk-edge-agent.service", "Service").get("NoNewPrivileges"));
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSayAboutTheUnits() throws IOException {
        assumeTrue(Packages.installed("systemd-analyze"), "systemd-analyze (systemd) checks the units");
        // cage is the kiosk station's compositor, a dependency (Recommends) and not part of the packages.
        Path cage = tree.resolve("usr/bin/cage");
        Files.writeString(cage, "#!/bin/sh\n");
        cage.toFile().setExecutable(true);
        Packages.Result result = Packages.exec(List.of("systemd-analyze", "verify", "--man=no", "--root=" + tree,
                UNITS + "telekiosk-broker.service", UNITS + "telekiosk-edge-agent.service",
                UNITS + "telekiosk-kiosk.service", UNITS + "telekiosk-agent-update.path",
                UNITS + "telekiosk-agent-update.service"), Map.of("SYSTEMD_LOG_COLOR", "0"));
        assertEquals(0, result.exitCode(), result.output());
        // Unknown or misspelt keys are only warnings ("Unknown key ..., ignoring"): any output is a finding.
        assertEquals("", result.output().strip());
    }

    @ParameterizedTest
    @CsvSource({"telekiosk-broker.service, 4.0", "telekiosk-edge-agent.service, 4.0", "telekiosk-kiosk.service, 6.0"})
    void systemdAnalyzeSecurityRatesTheExposureAtMost(String unit, double most) throws IOException {
        assumeTrue(Packages.installed("systemd-analyze"), "systemd-analyze (systemd) rates the units");
        Packages.Result result = Packages.exec(List.of("systemd-analyze", "security", "--offline=yes",
                "--no-pager", "--root=" + tree, UNITS + unit), Map.of("SYSTEMD_LOG_COLOR", "0"));
        Matcher level = Pattern.compile("Overall exposure level for " + Pattern.quote(unit) + ": (\\d+\\.\\d+)")
                .matcher(result.output());
        assertTrue(level.find(), result.output());
        double exposure = Double.parseDouble(level.group(1));
        assertTrue(exposure <= most, unit + " exposure " + exposure + " > " + most + ":\n" + result.output());
    }

    /** The keys of one section; a key given several times has several values. */
    private static Map<String, List<String>> section(String unit, String name) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(tree.resolve(UNITS.substring(1)).resolve(unit))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                current = trimmed.substring(1, trimmed.length() - 1);
            } else if (name.equals(current) && !trimmed.startsWith("#") && trimmed.contains("=")) {
                keys.computeIfAbsent(trimmed.substring(0, trimmed.indexOf('=')), k -> new ArrayList<>())
                        .add(trimmed.substring(trimmed.indexOf('=') + 1));
            }
        }
        return keys;
    }
}

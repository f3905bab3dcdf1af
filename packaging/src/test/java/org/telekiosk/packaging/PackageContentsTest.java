package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the two packages hold, with which owner and mode, and what their control files say. */
class PackageContentsTest {

    @BeforeAll
    static void dpkgDebIsHere() {
        assumeTrue(Packages.installed("dpkg-deb"), "dpkg-deb reads the packages (Debian's dpkg)");
    }

    @Test
    void theBrokerPackageHoldsItsJarLauncherUnitAndConfiguration() throws IOException {
        Map<String, Packages.Entry> files = Packages.contents(Packages.BROKER);
        assertMode(files, "/usr/share/telekiosk-broker/telekiosk-broker.jar", "-rw-r--r--");
        assertTrue(files.get("/usr/share/telekiosk-broker/telekiosk-broker.jar").size() > 1_000_000,
                "the shaded jar, not the thin one");
        assertMode(files, "/usr/bin/telekiosk-broker", "-rwxr-xr-x");
        assertMode(files, "/usr/lib/systemd/system/telekiosk-broker.service", "-rw-r--r--");
        assertMode(files, "/etc/telekiosk/broker.properties", "-rw-r--r--");
        // may hold the database password and the TURN secret: root only (systemd reads it before dropping privileges)
        assertMode(files, "/etc/telekiosk/broker.env", "-rw-------");
        assertMode(files, "/usr/share/doc/telekiosk-broker/broker-defaults.properties", "-rw-r--r--");
    }

    @Test
    void theAgentPackageHoldsItsJarLauncherUnitsKioskStationAndConfiguration() throws IOException {
        Map<String, Packages.Entry> files = Packages.contents(Packages.AGENT);
        assertMode(files, "/usr/share/telekiosk-edge-agent/telekiosk-edge-agent.jar", "-rw-r--r--");
        assertMode(files, "/usr/bin/telekiosk-edge-agent", "-rwxr-xr-x");
        assertMode(files, "/usr/lib/systemd/system/telekiosk-edge-agent.service", "-rw-r--r--");
        assertMode(files, "/usr/lib/systemd/system/telekiosk-kiosk.service", "-rw-r--r--");
        assertMode(files, "/usr/lib/systemd/system/telekiosk-agent-update.path", "-rw-r--r--");
        assertMode(files, "/usr/lib/systemd/system/telekiosk-agent-update.service", "-rw-r--r--");
        assertMode(files, "/usr/lib/telekiosk/kiosk-prepare", "-rwxr-xr-x");
        assertMode(files, "/usr/lib/telekiosk/kiosk-browser", "-rwxr-xr-x");
        assertMode(files, "/usr/lib/telekiosk/kiosk-policy", "-rwxr-xr-x");
        assertMode(files, "/etc/telekiosk/edge-agent.env", "-rw-r--r--");
        assertMode(files, "/etc/telekiosk/kiosk-station.conf", "-rw-r--r--");
        assertMode(files, "/etc/pam.d/telekiosk-kiosk", "-rw-r--r--");
        assertMode(files, "/usr/share/doc/telekiosk-edge-agent/kiosk-setup.md", "-rw-r--r--");
    }

    @ParameterizedTest
    @ValueSource(strings = {Packages.BROKER, Packages.AGENT})
    void everyFileBelongsToRootAndNothingIsWritableByOthers(String name) throws IOException {
        for (Packages.Entry entry : Packages.contents(name).values()) {
            assertEquals("root/root", entry.owner(), entry.path());
            assertEquals('-', entry.mode().charAt(8), entry.path() + " " + entry.mode() + " is writable by others");
            assertEquals('-', entry.mode().charAt(5), entry.path() + " " + entry.mode() + " is writable by the group");
            assertFalse(entry.mode().contains("s"), entry.path() + " is set-id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Packages.BROKER, Packages.AGENT})
    void everyFileUnderEtcIsAConffileSoUpgradesKeepLocalChanges(String name) throws IOException {
        Set<String> etc = Packages.contents(name).values().stream()
                .filter(e -> !e.directory() && e.path().startsWith("/etc/"))
                .map(Packages.Entry::path).collect(Collectors.toCollection(TreeSet::new));
        Set<String> conffiles = Packages.controlFile(name, "conffiles").lines().map(String::strip)
                .filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(etc.isEmpty());
        assertEquals(etc, conffiles);
    }

    @ParameterizedTest
    @ValueSource(strings = {Packages.BROKER, Packages.AGENT})
    void theControlFileNamesTheJavaRuntimeAndTheMavenVersion(String name) throws IOException {
        Map<String, String> control = Packages.control(name);
        assertEquals(name, control.get("Package"));
        assertEquals("all", control.get("Architecture"));
        assertTrue(control.get("Depends").startsWith("temurin-25-jre | temurin-25-jdk | openjdk-25-jre-headless"
                + " | java25-runtime-headless"), control.get("Depends"));
        assertTrue(control.get("Depends").contains("passwd"), "useradd is in passwd");
        assertTrue(control.get("Version").matches("\\d+\\.\\d+\\.\\d+(~[a-z0-9.]+)?"), control.get("Version"));
        assertTrue(Packages.deb(name).getFileName().toString()
                .equals(name + "_" + control.get("Version") + "_all.deb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {Packages.BROKER, Packages.AGENT})
    void theMaintainerScriptsAreExecutableShellScriptsThatParse(String name) throws IOException {
        String info = Packages.run(List.of("dpkg-deb", "-I", Packages.deb(name).toString()));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(info.lines().anyMatch(l -> l.matches("\\s+\\d+ bytes,\\s+\\d+ lines\\s+\\*\\s+" + script
                    + "\\s+#!/bin/sh")), script + " executable with #!/bin/sh in:\n" + info);
            Packages.run(List.of("sh", "-n", Packages.source(name.substring("telekiosk-".length()) + "/control/"
                    + script).toString()));
        }
    }

    private static void assertMode(Map<String, Packages.Entry> files, String path, String mode) {
        assertTrue(files.containsKey(path), path + " in " + files.keySet());
        assertEquals(mode, files.get(path).mode(), path);
    }
}

package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the packages with {@code dpkg --root} into a minimal Debian tree (debian-root.sh: an empty dpkg database,
 * the account files, and the host's programs that the maintainer scripts call), so that dpkg runs the real maintainer
 * scripts chrooted into it: users, groups, directories and ownership, then upgrade, remove and purge.
 */
class DpkgInstallTest {
    @TempDir
    Path root;

    @BeforeEach
    void aDebianTree() throws IOException {
        assumeTrue(Packages.installed("dpkg"), "dpkg installs the packages");
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg --root chroots to run maintainer scripts: "
                + "needs root (CI runs as root)");
        Path script = root.resolveSibling(root.getFileName() + "-debian-root.sh");
        try (InputStream in = DpkgInstallTest.class.getResourceAsStream("/debian-root.sh")) {
            Files.copy(in, script);
        }
        try {
            Packages.run(List.of("bash", script.toString(), root.toString()));
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void installingTheBrokerCreatesItsUserAndAPrivateDataDirectory() throws IOException {
        String output = dpkg("-i", Packages.deb(Packages.BROKER).toString());

        assertTrue(Files.isRegularFile(root.resolve("usr/share/telekiosk-broker/telekiosk-broker.jar")));
        assertTrue(Files.isExecutable(root.resolve("usr/bin/telekiosk-broker")));
        String[] user = passwd("telekiosk-broker").orElseThrow(() -> new AssertionError("no user:\n" + output));
        assertEquals("/var/lib/telekiosk/broker", user[5]);
        assertEquals("/usr/sbin/nologin", user[6]);
        assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + String.join(":", user));
        assertOwnedBy(root.resolve("var/lib/telekiosk/broker"), user, "rwxr-x---");
        assertOwnedBy(root.resolve("var/lib/telekiosk"), new String[] {"root", "x", "0", "0"}, "rwxr-xr-x");
        assertEquals("rw-------", permissions(root.resolve("etc/telekiosk/broker.env")));
        assertTrue(status(Packages.BROKER).contains("Status: install ok installed"));
        assertTrue(status(Packages.BROKER).contains(" /etc/telekiosk/broker.properties "), "a registered conffile");
    }

    @Test
    void theAgentsUserJoinsTheHardwareGroupsThatExistAndTheKioskUserTheDisplayGroups() throws IOException {
        String output = dpkg("-i", Packages.deb(Packages.AGENT).toString());

        String[] agent = passwd("telekiosk-agent").orElseThrow(() -> new AssertionError(output));
        String[] kiosk = passwd("telekiosk-kiosk").orElseThrow(() -> new AssertionError(output));
        assertEquals("/var/lib/telekiosk/edge-agent", agent[5]);
        assertOwnedBy(root.resolve("var/lib/telekiosk/edge-agent"), agent, "rwxr-x---");
        assertOwnedBy(root.resolve("var/lib/telekiosk/kiosk"), kiosk, "rwxr-x---");
        assertEquals(List.of("telekiosk-agent"), members("i2c"));
        assertEquals(List.of("telekiosk-agent"), members("dialout"));
        assertTrue(output.contains("no group 'gpio' on this system; telekiosk-agent is not in it"), output);
        for (String group : List.of("video", "render", "input", "audio")) {
            assertEquals(List.of("telekiosk-kiosk"), members(group), group);
        }
    }

    @Test
    void anUpgradeKeepsChangedConfigurationAndTheKiosksDataAndReusesTheUser() throws IOException {
        dpkg("-i", Packages.deb(Packages.AGENT).toString());
        String uid = passwd("telekiosk-agent").orElseThrow()[2];
        Path env = root.resolve("etc/telekiosk/edge-agent.env");
        Files.writeString(env, "AGENT_ARGS=--simulate\n", java.nio.file.StandardOpenOption.APPEND);
        String changed = Files.readString(env);
        Path identity = root.resolve("var/lib/telekiosk/edge-agent/agent.properties");
        Files.writeString(identity, "kiosk.id=wmk-lab-03\n");
        Path outbox = root.resolve("var/lib/telekiosk/edge-agent/data/outbox.db");
        Files.createDirectories(outbox.getParent());
        Files.write(outbox, new byte[] {1, 2, 3});

        String newer = Packages.control(Packages.AGENT).get("Version").replaceFirst("~.*", "") + ".1";
        String output = dpkg("-i", repackaged(Packages.AGENT, newer).toString());

        assertTrue(status(Packages.AGENT).contains("Version: " + newer), status(Packages.AGENT));
        assertEquals(changed, Files.readString(env), "the changed conffile is kept:\n" + output);
        assertEquals("kiosk.id=wmk-lab-03\n", Files.readString(identity));
        assertEquals(3, Files.size(outbox));
        assertEquals(uid, passwd("telekiosk-agent").orElseThrow()[2]);
        assertEquals(1, Files.readAllLines(root.resolve("etc/passwd")).stream()
                .filter(l -> l.startsWith("telekiosk-agent:")).count());
        assertFalse(output.contains("enroll this kiosk"), "the first-install hint is not repeated:\n" + output);
    }

    @Test
    void removeKeepsConfigurationAndDataAndPurgeRemovesOnlyTheConfiguration() throws IOException {
        dpkg("-i", Packages.deb(Packages.BROKER).toString());
        Path config = root.resolve("etc/telekiosk/broker.properties");
        Files.writeString(config, "https.host-names=telekiosk.example.org\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path store = root.resolve("var/lib/telekiosk/broker/store/telekiosk.db");
        Files.createDirectories(store.getParent());
        Files.write(store, new byte[] {42});

        dpkg("-r", Packages.BROKER);
        assertFalse(Files.exists(root.resolve("usr/share/telekiosk-broker/telekiosk-broker.jar")));
        assertTrue(Files.readString(config).contains("telekiosk.example.org"), "remove keeps the conffiles");
        assertTrue(status(Packages.BROKER).contains("Status: deinstall ok config-files"));

        String purge = dpkg("--purge", Packages.BROKER);
        assertFalse(Files.exists(config), "purge removes the conffiles");
        assertFalse(Files.exists(root.resolve("etc/telekiosk/broker.env")));
        assertEquals(1, Files.size(store), "the measurements and the CA are never deleted by a package operation");
        assertTrue(purge.contains("kept /var/lib/telekiosk/broker"), purge);
        assertTrue(passwd("telekiosk-broker").isPresent());
        assertEquals("", status(Packages.BROKER));
    }

    private String dpkg(String... arguments) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("dpkg", "--root=" + root, "--force-depends",
                "--force-confold"));
        command.addAll(Arrays.asList(arguments));
        Packages.Result result = Packages.exec(command, Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }

    /** The package with another version in its control file (dpkg-deb -R, then -b). */
    private Path repackaged(String name, String version) throws IOException {
        Path dir = root.resolveSibling(root.getFileName() + "-repack");
        Path deb = root.resolveSibling(name + "_" + version + "_all.deb");
        Packages.run(List.of("dpkg-deb", "-R", Packages.deb(name).toString(), dir.toString()));
        Path control = dir.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Packages.run(List.of("dpkg-deb", "-Znone", "-b", dir.toString(), deb.toString()));
        Packages.run(List.of("rm", "-rf", dir.toString()));
        deb.toFile().deleteOnExit();
        return deb;
    }

    private Optional<String[]> passwd(String user) throws IOException {
        return Files.readAllLines(root.resolve("etc/passwd")).stream().map(l -> l.split(":", -1))
                .filter(f -> f[0].equals(user)).findFirst();
    }

    private List<String> members(String group) throws IOException {
        return Files.readAllLines(root.resolve("etc/group")).stream().map(l -> l.split(":", -1))
                .filter(f -> f[0].equals(group)).findFirst()
                .map(f -> f[3].isEmpty() ? List.<String>of() : List.of(f[3].split(",")))
                .orElseThrow(() -> new AssertionError("no group " + group));
    }

    /** The package's paragraph in the tree's dpkg status file, or "" if dpkg forgot it. */
    private String status(String name) throws IOException {
        String all = Files.readString(root.resolve("var/lib/dpkg/status"), StandardCharsets.UTF_8);
        return Arrays.stream(all.split("\n\n")).filter(p -> p.startsWith("Package: " + name + "\n")).findFirst()
                .orElse("");
    }

    private static void assertOwnedBy(Path path, String[] user, String permissions) throws IOException {
        assertEquals(Integer.parseInt(user[2]), Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                path + " owner");
        assertEquals(Integer.parseInt(user[3]), Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                path + " group");
        assertEquals(permissions, permissions(path), path.toString());
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}

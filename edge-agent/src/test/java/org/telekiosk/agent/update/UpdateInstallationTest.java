package org.telekiosk.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.UpdateState;

/**
 * The root installer with the real {@link DpkgInstaller} installing into a Debian tree in a temporary directory
 * ({@code dpkg --root}): real packages, real dpkg database. The health check looks at what the installed package put
 * into that tree (a broken test package installs a mark that fails it).
 */
class UpdateInstallationTest {
    @TempDir
    Path dir;
    TestPackages packages;
    Path root;
    Path spool;
    Path state;
    DpkgInstaller dpkg;
    UpdateInstallation installation;

    @BeforeEach
    void setUp() throws Exception {
        packages = new TestPackages(dir);
        root = TestPackages.debianRoot(dir);
        spool = Files.createDirectories(dir.resolve("agent/updates"));
        state = dir.resolve("agent-update");
        dpkg = new DpkgInstaller(List.of("--root=" + root));
        installation = new UpdateInstallation(spool, state, packages.key(), "arm64", dpkg, this::healthy);
        // The version in the field, installed by hand (apt install ./…deb).
        dpkg.install(packages.agent("0.1.0", "all"));
    }

    /** The tests' health check: the installed tree is of that version and carries no 'broken' mark. */
    private boolean healthy(DebianVersion version) {
        try {
            Path share = root.resolve("usr/share/telekiosk-test");
            return Files.readString(share.resolve("version")).strip().equals(version.value())
                    && !Files.exists(share.resolve("broken"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void request(Path deb, byte[] signature) throws Exception {
        Files.copy(deb, spool.resolve(UpdateFiles.PACKAGE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(spool.resolve(UpdateFiles.SIGNATURE), signature);
        Files.writeString(spool.resolve(UpdateFiles.REQUEST), "x");
    }

    private Optional<DebianVersion> installed() throws Exception {
        return dpkg.installedVersion(PackageCheck.AGENT_PACKAGE);
    }

    private Properties result() throws Exception {
        return UpdateFiles.readProperties(spool.resolve(UpdateFiles.RESULT));
    }

    @Test
    void withoutARequestNothingHappens() throws Exception {
        assertEquals(Optional.empty(), installation.run());
        assertEquals(Optional.of(DebianVersion.of("0.1.0")), installed());
    }

    @Test
    void aVerifiedPackageIsInstalledWithDpkgAndKeptAsTheNextWayBack() throws Exception {
        Path deb = packages.agent("0.2.0", "all");
        request(deb, packages.sign(deb));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.INSTALLED, outcome.state(), outcome.detail());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), installed());
        assertEquals("0.2.0", Files.readString(root.resolve("usr/share/telekiosk-test/version")).strip());
        assertTrue(Files.exists(state.resolve("installed/telekiosk-edge-agent_0.2.0.deb")));
        assertEquals("INSTALLED", result().getProperty("state"));
        assertEquals("0.2.0", result().getProperty("installed"));
        assertFalse(Files.exists(spool.resolve(UpdateFiles.REQUEST)));
        assertFalse(Files.exists(spool.resolve(UpdateFiles.PACKAGE)));
    }

    @Test
    void aNewVersionThatFailsItsHealthCheckIsRolledBack() throws Exception {
        Path good = packages.agent("0.2.0", "all");
        request(good, packages.sign(good));
        installation.run();
        Path broken = packages.build("telekiosk-edge-agent", "0.3.0", "all", true);
        request(broken, packages.sign(broken));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.ROLLED_BACK, outcome.state(), outcome.detail());
        assertEquals("0.3.0", outcome.offered());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), installed());
        assertEquals("0.2.0", Files.readString(root.resolve("usr/share/telekiosk-test/version")).strip());
        assertFalse(Files.exists(root.resolve("usr/share/telekiosk-test/broken")));
        assertEquals("ROLLED_BACK", result().getProperty("state"));
        assertTrue(result().getProperty("detail").contains("health check"), result().getProperty("detail"));
    }

    @Test
    void aPackageDpkgRefusesLeavesThePreviousVersion() throws Exception {
        Path good = packages.agent("0.2.0", "all");
        request(good, packages.sign(good));
        installation.run();
        Path unmet = packages.build("telekiosk-edge-agent", "0.3.0", "all", false, "telekiosk-no-such-package");
        request(unmet, packages.sign(unmet));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.FAILED, outcome.state(), outcome.detail());
        assertTrue(outcome.detail().contains("dpkg exited"), outcome.detail());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), installed());
    }

    @Test
    void theFirstUpdateAfterAnInstallByHandIsRolledBackToTheInstalledFilesPackedAgain() throws Exception {
        Path conf = root.resolve("etc/telekiosk-test.conf");
        Files.writeString(conf, "setting=the operator's\n");
        Path broken = packages.build("telekiosk-edge-agent", "0.2.0", "all", true);
        request(broken, packages.sign(broken));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.ROLLED_BACK, outcome.state(), outcome.detail());
        assertEquals("0.2.0", outcome.offered());
        assertEquals(Optional.of(DebianVersion.of("0.1.0")), installed());
        assertEquals("0.1.0", Files.readString(root.resolve("usr/share/telekiosk-test/version")).strip());
        assertFalse(Files.exists(root.resolve("usr/share/telekiosk-test/broken")));
        assertEquals("setting=the operator's\n", Files.readString(conf));
        // dpkg knows the file as a conffile of the package again (a later upgrade keeps the operator's change).
        assertTrue(TestPackages.run(List.of("dpkg-query", "--root=" + root, "--showformat=${Conffiles}", "--show",
                PackageCheck.AGENT_PACKAGE)).contains("/etc/telekiosk-test.conf"));
        assertTrue(Files.exists(state.resolve("installed/telekiosk-edge-agent_0.1.0.deb")));
        assertFalse(Files.exists(state.resolve("repack")));
        assertEquals("ROLLED_BACK", result().getProperty("state"));
        assertTrue(result().getProperty("detail").contains("0.1.0 installed again"), result().getProperty("detail"));
    }

    @Test
    void theInstalledVersionPackedAgainAtTheFirstUpdateStaysTheWayBackAfterASuccess() throws Exception {
        Path good = packages.agent("0.2.0", "all");
        request(good, packages.sign(good));

        assertEquals(UpdateState.INSTALLED, installation.run().orElseThrow().state());

        Path packed = state.resolve("installed/telekiosk-edge-agent_0.1.0.deb");
        String info = TestPackages.run(List.of("dpkg-deb", "--field", packed.toString(), "Package", "Version"));
        assertTrue(info.contains("Package: telekiosk-edge-agent") && info.contains("Version: 0.1.0"), info);
        assertFalse(TestPackages.run(List.of("dpkg-deb", "--field", packed.toString())).contains("Status:"));
        assertTrue(TestPackages.run(List.of("dpkg-deb", "--contents", packed.toString()))
                .contains("./usr/share/telekiosk-test/version"));
    }

    @Test
    void withNoAgentInstalledBeforeAFailedHealthCheckIsReportedAsFailed() throws Exception {
        root = TestPackages.debianRoot(dir);
        dpkg = new DpkgInstaller(List.of("--root=" + root));
        installation = new UpdateInstallation(spool, state, packages.key(), "arm64", dpkg, this::healthy);
        Path broken = packages.build("telekiosk-edge-agent", "0.2.0", "all", true);
        request(broken, packages.sign(broken));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.FAILED, outcome.state());
        assertTrue(outcome.detail().contains("no package of the previous version"), outcome.detail());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), installed());
    }

    @Test
    void whenTheInstalledVersionCannotBePackedAgainTheUpdateGoesAheadWithoutAWayBack() throws Exception {
        PackageInstaller noRepack = new PackageInstaller() {
            @Override
            public Optional<DebianVersion> installedVersion(String packageName) throws InstallFailed {
                return dpkg.installedVersion(packageName);
            }

            @Override
            public void install(Path deb) throws InstallFailed {
                dpkg.install(deb);
            }

            @Override
            public void repack(String packageName, Path work, Path target) throws InstallFailed {
                throw new InstallFailed("no space left on device");
            }
        };
        installation = new UpdateInstallation(spool, state, packages.key(), "arm64", noRepack, this::healthy);
        Path broken = packages.build("telekiosk-edge-agent", "0.2.0", "all", true);
        request(broken, packages.sign(broken));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.FAILED, outcome.state());
        assertTrue(outcome.detail().contains("could be packed again"), outcome.detail());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), installed());
        assertFalse(Files.exists(state.resolve("installed/telekiosk-edge-agent_0.1.0.deb")));
        assertFalse(Files.exists(state.resolve("installed/telekiosk-edge-agent_0.1.0.deb.partial")));
    }

    @Test
    void theInstallerChecksAgainWhatTheAgentUserHandedOver() throws Exception {
        Path forged = packages.agent("0.2.0", "all");
        request(forged, new TestPackages(dir).sign(forged));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.REFUSED, outcome.state());
        assertEquals("SIGNATURE", outcome.reason());
        assertEquals(Optional.of(DebianVersion.of("0.1.0")), installed());
        assertEquals("REFUSED", result().getProperty("state"));
        assertEquals("SIGNATURE", result().getProperty("reason"));
    }

    @Test
    void theInstallerRefusesADowngradeHandedOverAsAnUpdate() throws Exception {
        Path older = packages.agent("0.0.9", "all");
        request(older, packages.sign(older));

        UpdateInstallation.Outcome outcome = installation.run().orElseThrow();

        assertEquals(UpdateState.REFUSED, outcome.state());
        assertEquals("OLDER", outcome.reason());
        assertEquals(Optional.of(DebianVersion.of("0.1.0")), installed());
    }
}

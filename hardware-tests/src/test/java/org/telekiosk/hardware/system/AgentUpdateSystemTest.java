package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.update.AgentUpdater;
import org.telekiosk.agent.update.DpkgInstaller;
import org.telekiosk.agent.update.UpdateClient;
import org.telekiosk.agent.update.UpdateFiles;
import org.telekiosk.agent.update.UpdateInstallation;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.kiosk.AgentVersions;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.UpdateKey;
import org.telekiosk.protocol.update.UpdateState;

/**
 * A signed agent update from end to end: the real broker with an update key and a package in its directory; the
 * kiosk enrolls with the real {@link Enroller} (which pins the key), its {@link AgentUpdater} asks and downloads over
 * mutual TLS with the real {@link UpdateClient}, checks the package and hands it over; the root installer installs it
 * with real dpkg into a temporary Debian tree; after the "restart" the agent of the new version reports it, and the
 * broker's fleet view has it.
 */
class AgentUpdateSystemTest {
    static final Path FILES;
    static final KeyPair SIGNING;

    static {
        try {
            FILES = Files.createTempDirectory("agent-update-system");
            SIGNING = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(FILES.resolve("update.pub"), UpdateKey.of(SIGNING.getPublic()).pem());
            Files.createDirectories(FILES.resolve("packages"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(
            "agent-update.public-key-file", FILES.resolve("update.pub").toString(),
            "agent-update.dir", FILES.resolve("packages").toString()));

    @TempDir
    Path dir;

    static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
        return output;
    }

    Path agentPackage(String version) throws Exception {
        Path tree = Files.createTempDirectory(dir, "tree");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: telekiosk-edge-agent\nVersion: " + version
                + "\nArchitecture: all\nMaintainer: T <t@example.org>\nDescription: system test package\n");
        Files.createDirectories(tree.resolve("usr/share/telekiosk-test"));
        Files.writeString(tree.resolve("usr/share/telekiosk-test/version"), version + "\n");
        Path deb = dir.resolve("telekiosk-edge-agent_" + version + "_all.deb");
        run(List.of("dpkg-deb", "-Znone", "--root-owner-group", "--build", tree.toString(), deb.toString()));
        return deb;
    }

    void publish(Path deb) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(SIGNING.getPrivate());
        signer.update(Files.readAllBytes(deb));
        Files.copy(deb, FILES.resolve("packages").resolve(deb.getFileName()));
        Files.write(FILES.resolve("packages").resolve(deb.getFileName() + ".sig"), signer.sign());
    }

    @Test
    void aKioskFindsVerifiesHandsOverInstallsAndReportsANewerAgent() throws Exception {
        Path identity = Files.createDirectories(dir.resolve("edge-agent"));
        String token = BROKER.broker().enrollment().createToken(KioskId.of("sys-update-a"), "Update A",
                AuditActor.system()).line();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(Enroller.OK, new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(KioskProvisioning.brokerUrl(BROKER), token, identity),
                printed.toString(StandardCharsets.UTF_8));
        assertEquals(Optional.of(UpdateKey.of(SIGNING.getPublic())), UpdateFiles.readKey(identity));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(identity.resolve(UpdateFiles.KEY_FILE))));

        // The kiosk runs 0.1.0, installed by hand; the operator publishes 0.2.0.
        Path root = Files.createTempDirectory(dir, "root");
        for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        DpkgInstaller dpkg = new DpkgInstaller(List.of("--root=" + root));
        dpkg.install(agentPackage("0.1.0"));
        publish(agentPackage("0.2.0"));

        AgentConfig config = AgentConfigLoader.load(identity.resolve("agent.properties"));
        UpdateClient client = new UpdateClient(config.mqttIdentity(), config.mqttCaFile(), config.renewalUrl());
        AgentUpdater running = new AgentUpdater(client, identity, DebianVersion.of("0.1.0"), "arm64",
                Optional::empty);
        running.reportStart();
        assertEquals(AgentUpdater.Checked.HANDED_OVER, running.check());

        // The root installer (its path unit fired); the new agent marks itself healthy once it runs.
        UpdateInstallation.Outcome outcome = new UpdateInstallation(running.spool(), dir.resolve("agent-update"),
                UpdateFiles.readKey(identity).orElseThrow(), "arm64", dpkg, version -> {
                    new AgentUpdater(client, identity, version, "arm64", Optional::empty).healthy();
                    return new org.telekiosk.agent.update.HealthMark(running.spool(), java.time.Duration.ZERO,
                            Clock.systemUTC()).healthy(version);
                }).run().orElseThrow();
        assertEquals(UpdateState.INSTALLED, outcome.state(), outcome.detail());
        assertEquals(Optional.of(DebianVersion.of("0.2.0")), dpkg.installedVersion("telekiosk-edge-agent"));

        AgentUpdater updated = new AgentUpdater(client, identity, DebianVersion.of("0.2.0"), "arm64",
                Optional::empty);
        assertEquals(UpdateState.INSTALLED, updated.reportStart().state());
        AgentVersions.Entry entry = BROKER.broker().agentVersions().of(KioskId.of("sys-update-a"))
                .orElseThrow();
        assertEquals("0.2.0", entry.latest().version());
        assertEquals(UpdateState.INSTALLED, entry.latest().state());
        assertEquals(AgentUpdater.Checked.NOTHING, updated.check(), "0.2.0 is the newest");
    }
}

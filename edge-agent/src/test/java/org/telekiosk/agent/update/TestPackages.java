package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * Real Debian packages for the update tests, built with {@code dpkg-deb --build} (control and data uncompressed, as
 * the project's jdeb build makes them), and an Ed25519 signing key. Each package installs
 * {@code /usr/share/telekiosk-test/version} holding its version, and {@code /usr/share/telekiosk-test/broken} when
 * it is made broken (the tests' health check fails for it), and the conffile {@code /etc/telekiosk-test.conf}.
 */
final class TestPackages {
    private final Path dir;
    private final KeyPair signing;

    TestPackages(Path dir) throws GeneralSecurityException {
        this.dir = dir;
        this.signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    UpdateKey key() {
        return UpdateKey.of(signing.getPublic());
    }

    /** The agent package of {@code version} for {@code arch}. */
    Path agent(String version, String arch) throws IOException, InterruptedException {
        return build("telekiosk-edge-agent", version, arch, false);
    }

    Path build(String name, String version, String arch, boolean broken) throws IOException, InterruptedException {
        return build(name, version, arch, broken, "");
    }

    /** @param depends a Depends field, or empty */
    Path build(String name, String version, String arch, boolean broken, String depends)
            throws IOException, InterruptedException {
        Path tree = Files.createTempDirectory(dir, "tree");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version
                + "\nArchitecture: " + arch + "\nMaintainer: Telekiosk <telekiosk@example.org>\n"
                + (depends.isEmpty() ? "" : "Depends: " + depends + "\n") + "Description: update test package\n");
        Path share = Files.createDirectories(tree.resolve("usr/share/telekiosk-test"));
        Files.writeString(share.resolve("version"), version + "\n");
        if (broken) {
            Files.writeString(share.resolve("broken"), "yes\n");
        }
        // A conffile, as the agent's /etc/telekiosk/edge-agent.env: an operator's change must survive every way.
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/telekiosk-test.conf"), "setting=" + version + "\n");
        Files.writeString(tree.resolve("DEBIAN/conffiles"), "/etc/telekiosk-test.conf\n");
        Path deb = dir.resolve(name + "_" + version + (broken ? "-broken" : "") + (depends.isEmpty() ? "" : "-deps")
                + "_" + arch + ".deb");
        run(List.of("dpkg-deb", "-Znone", "--root-owner-group", "--build", tree.toString(), deb.toString()));
        return deb;
    }

    /** The signature of {@code deb} with this key. */
    byte[] sign(Path deb) throws IOException, GeneralSecurityException {
        return sign(Files.readAllBytes(deb));
    }

    byte[] sign(byte[] content) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(signing.getPrivate());
        signer.update(content);
        return signer.sign();
    }

    /** An empty dpkg database in a new directory, for {@code dpkg --root}. */
    static Path debianRoot(Path parent) throws IOException {
        Path root = Files.createTempDirectory(parent, "root");
        for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        Files.writeString(root.resolve("var/lib/dpkg/available"), "");
        return root;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
        return output;
    }
}

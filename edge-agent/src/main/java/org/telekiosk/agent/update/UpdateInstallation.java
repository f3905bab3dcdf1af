package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.RefusalReason;
import org.telekiosk.protocol.update.UpdateKey;
import org.telekiosk.protocol.update.UpdateState;

/**
 * The root side of an agent update ({@code telekiosk-edge-agent install-update}, run by
 * {@code telekiosk-agent-update.service} when the agent asks through {@link UpdateFiles#REQUEST}): checks the
 * package again against the root-held copy of the update key (the agent's own user could have written anything into
 * its directory), installs it, waits for the new agent's health check, and installs the previous version again when
 * that fails. Every package it installs is kept in {@code <state>/installed/} (the new one and the one before it), so
 * that the next update has a way back; at the first update after a package was installed by hand, the installed
 * version is packed again from its files ({@link PackageInstaller#repack}) to be that way back. The outcome goes to {@link UpdateFiles#RESULT} for the agent to report.
 */
public final class UpdateInstallation {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateInstallation.class);

    /** Whether the agent of {@code version} came up healthy; may wait (bounded). */
    @FunctionalInterface
    public interface HealthCheck {
        boolean healthy(DebianVersion version) throws InterruptedException;
    }

    /** What happened: the state and detail the agent reports, and the version installed now. */
    public record Outcome(UpdateState state, Optional<DebianVersion> installed, String offered, String reason,
            String detail) {}

    private final Path spool;
    private final Path state;
    private final UpdateKey key;
    private final String architecture;
    private final PackageInstaller installer;
    private final HealthCheck health;

    /**
     * @param spool the agent's {@code updates/} directory
     * @param state a root-owned directory for the kept packages
     */
    public UpdateInstallation(Path spool, Path state, UpdateKey key, String architecture, PackageInstaller installer,
            HealthCheck health) {
        this.spool = Objects.requireNonNull(spool, "spool");
        this.state = Objects.requireNonNull(state, "state");
        this.key = Objects.requireNonNull(key, "key");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.installer = Objects.requireNonNull(installer, "installer");
        this.health = Objects.requireNonNull(health, "health");
    }

    /** Handles a pending request, if there is one; empty if there was none. */
    public Optional<Outcome> run() throws IOException, InterruptedException {
        Path request = spool.resolve(UpdateFiles.REQUEST);
        if (!Files.deleteIfExists(request)) {
            return Optional.empty();
        }
        Outcome outcome = install();
        Properties result = new Properties();
        result.setProperty("state", outcome.state().name());
        result.setProperty("installed", outcome.installed().map(DebianVersion::value).orElse(""));
        result.setProperty("offered", outcome.offered());
        result.setProperty("reason", outcome.reason());
        result.setProperty("detail", AgentUpdateReport.shorten(outcome.detail()));
        UpdateFiles.writeProperties(spool.resolve(UpdateFiles.RESULT), result, "rw-r--r--");
        Files.deleteIfExists(spool.resolve(UpdateFiles.PACKAGE));
        Files.deleteIfExists(spool.resolve(UpdateFiles.SIGNATURE));
        LOG.info("Agent update: {} {} ({})", outcome.state(), outcome.offered(), outcome.detail());
        return Optional.of(outcome);
    }

    private Outcome install() throws IOException, InterruptedException {
        Path deb = spool.resolve(UpdateFiles.PACKAGE);
        Path sig = spool.resolve(UpdateFiles.SIGNATURE);
        Optional<DebianVersion> running;
        try {
            running = installer.installedVersion(PackageCheck.AGENT_PACKAGE);
        } catch (PackageInstaller.InstallFailed e) {
            return new Outcome(UpdateState.FAILED, Optional.empty(), "", "", e.getMessage());
        }
        if (!Files.isRegularFile(deb) || !Files.isRegularFile(sig)) {
            return new Outcome(UpdateState.FAILED, running, "", "", "the request came without "
                    + UpdateFiles.PACKAGE + " and " + UpdateFiles.SIGNATURE);
        }
        byte[] content = Files.readAllBytes(deb);
        PackageCheck.Result checked = new PackageCheck(key, architecture).check(content, content.length,
                Files.readAllBytes(sig), running.orElse(DebianVersion.of("0")));
        if (checked instanceof PackageCheck.Result.Refused refused) {
            return new Outcome(UpdateState.REFUSED, running, "", refused.reason().name(),
                    "the installer refused it: " + refused.detail());
        }
        DebianVersion version = ((PackageCheck.Result.Verified) checked).control().version();
        Path kept = state.resolve("installed");
        Files.createDirectories(kept);
        Optional<Path> previous = running.map(v -> kept.resolve(fileName(v))).filter(Files::isRegularFile);
        if (previous.isEmpty() && running.isPresent()) {
            previous = repackRunning(running.get(), kept);
        }
        try {
            installer.install(deb);
        } catch (PackageInstaller.InstallFailed e) {
            return rollBack(previous, version, "installing failed: " + e.getMessage(), UpdateState.FAILED);
        }
        Files.copy(deb, kept.resolve(fileName(version)), StandardCopyOption.REPLACE_EXISTING);
        if (!health.healthy(version)) {
            return rollBack(previous, version, "the new agent failed its health check", UpdateState.ROLLED_BACK);
        }
        prune(kept, version, running);
        return new Outcome(UpdateState.INSTALLED, Optional.of(version), version.value(), "",
                "installed" + running.map(v -> " over " + v).orElse(""));
    }

    /**
     * The first update after a package was installed by hand (apt, dpkg -i): no package of the running version is
     * kept here, so the installed files are packed again as the way back. Empty, and logged, when that fails: the
     * update goes ahead without a way back, as before.
     */
    private Optional<Path> repackRunning(DebianVersion running, Path kept) throws IOException {
        Path work = state.resolve("repack");
        deleteTree(work);
        Files.createDirectories(work);
        Path target = kept.resolve(fileName(running));
        Path partial = kept.resolve(fileName(running) + ".partial");
        try {
            installer.repack(PackageCheck.AGENT_PACKAGE, work, partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Agent update: packed the installed {} again as the way back ({})", running, target);
            return Optional.of(target);
        } catch (PackageInstaller.InstallFailed e) {
            LOG.warn("Agent update: cannot pack the installed {} again, no way back: {}", running, e.getMessage());
            Files.deleteIfExists(partial);
            return Optional.empty();
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private Outcome rollBack(Optional<Path> previous, DebianVersion failed, String why, UpdateState state)
            throws InterruptedException {
        Optional<DebianVersion> now = Optional.empty();
        if (previous.isEmpty()) {
            try {
                now = installer.installedVersion(PackageCheck.AGENT_PACKAGE);
            } catch (PackageInstaller.InstallFailed e) {
                LOG.warn("Cannot ask dpkg for the installed version: {}", e.getMessage());
            }
            return new Outcome(UpdateState.FAILED, now, failed.value(), "", why
                    + "; no package of the previous version is kept here or could be packed again to go back to");
        }
        try {
            installer.install(previous.get());
            now = installer.installedVersion(PackageCheck.AGENT_PACKAGE);
        } catch (PackageInstaller.InstallFailed e) {
            return new Outcome(UpdateState.FAILED, now, failed.value(), "", why + "; going back failed too: "
                    + e.getMessage());
        }
        return new Outcome(state == UpdateState.FAILED ? UpdateState.FAILED : UpdateState.ROLLED_BACK, now,
                failed.value(), "", why + "; " + now.map(v -> v.value()).orElse("the previous version")
                        + " installed again");
    }

    private static void prune(Path kept, DebianVersion current, Optional<DebianVersion> previous) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(kept, "*.deb")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.equals(fileName(current)) && previous.map(p -> !name.equals(fileName(p))).orElse(true)) {
                    Files.delete(file);
                }
            }
        }
    }

    static String fileName(DebianVersion version) {
        return PackageCheck.AGENT_PACKAGE + "_" + version.value().replace(':', '%') + ".deb";
    }

    /** The refusal reason as the result file carries it; unknown values become {@code NOT_THE_AGENT}. */
    static RefusalReason reason(String name) {
        try {
            return RefusalReason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return RefusalReason.NOT_THE_AGENT;
        }
    }
}

package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.telekiosk.protocol.update.DebianVersion;

/**
 * Installs with {@code dpkg -i} and asks {@code dpkg-query} for the installed version. Needs root: it runs in the
 * root-owned {@code telekiosk-agent-update.service} (started by its path unit), never in the agent's own service
 * ({@code NoNewPrivileges=yes}, no sudo). {@code dpkgOptions} go before the action, e.g. {@code --root=<dir>} to install
 * into another tree (the tests do).
 */
public final class DpkgInstaller implements PackageInstaller {
    /** The longest one dpkg run may take. */
    static final long TIMEOUT_MINUTES = 10;

    private final List<String> dpkgOptions;

    public DpkgInstaller(List<String> dpkgOptions) {
        this.dpkgOptions = List.copyOf(dpkgOptions);
    }

    /** dpkg on this system. */
    public static DpkgInstaller system() {
        return new DpkgInstaller(List.of());
    }

    @Override
    public Optional<DebianVersion> installedVersion(String packageName) throws InstallFailed {
        List<String> command = new ArrayList<>(List.of("dpkg-query"));
        command.addAll(dpkgOptions);
        command.addAll(List.of("--show", "--showformat=${db:Status-Abbrev}${Version}", packageName));
        Run run = run(command);
        if (run.exit() != 0 || !run.output().startsWith("ii")) {
            return Optional.empty();
        }
        return Optional.of(DebianVersion.of(run.output().substring(3).strip()));
    }

    @Override
    public void install(Path deb) throws InstallFailed {
        List<String> command = new ArrayList<>(List.of("dpkg"));
        command.addAll(dpkgOptions);
        // Keep the configuration the operator changed (conffiles) without asking: nobody is at the kiosk's console.
        command.addAll(List.of("--force-confold", "--install", deb.toString()));
        Run run = run(command);
        if (run.exit() != 0) {
            throw new InstallFailed("dpkg exited with " + run.exit() + ": " + tail(run.output()));
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws InstallFailed {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new InstallFailed(command.getFirst() + " did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InstallFailed("cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallFailed(command.getFirst() + " was interrupted");
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() > 240 ? "…" + trimmed.substring(trimmed.length() - 240) : trimmed;
    }
}

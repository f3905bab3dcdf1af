package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    /** What {@code dpkg-query --status} says that a package's own control file does not. */
    private static final Set<String> STATUS_ONLY_FIELDS = Set.of("Status", "Conffiles", "Config-Version");
    /** The maintainer scripts and control files dpkg keeps in its {@code info} directory. */
    private static final List<String> CONTROL_FILES = List.of("preinst", "postinst", "prerm", "postrm", "config",
            "templates", "triggers", "shlibs", "symbols", "conffiles");

    private final List<String> dpkgOptions;
    private final Path root;

    /** @param dpkgOptions for dpkg and dpkg-query; a {@code --root=DIR} among them is also where the files are */
    public DpkgInstaller(List<String> dpkgOptions) {
        this.dpkgOptions = List.copyOf(dpkgOptions);
        this.root = Path.of(dpkgOptions.stream().filter(o -> o.startsWith("--root=")).reduce((a, b) -> b)
                .map(o -> o.substring("--root=".length())).orElse("/"));
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

    @Override
    public void repack(String packageName, Path work, Path target) throws InstallFailed {
        Run status = run(query("--status", packageName));
        if (status.exit() != 0) {
            throw new InstallFailed(packageName + " is not installed: " + tail(status.output()));
        }
        try {
            Path debian = Files.createDirectories(work.resolve("DEBIAN"));
            Files.writeString(debian.resolve("control"), controlOf(status.output()), StandardCharsets.UTF_8);
            Run list = run(query("--listfiles", packageName));
            if (list.exit() != 0) {
                throw new InstallFailed("dpkg-query --listfiles exited with " + list.exit() + ": "
                        + tail(list.output()));
            }
            Set<String> present = new HashSet<>();
            for (String line : list.output().split("\n")) {
                // Other lines ("diverted by …", "package diverts others to: …") are not files of the package.
                if (!line.startsWith("/") || line.equals("/.")) {
                    continue;
                }
                Path source = root.resolve(line.substring(1));
                Path copy = work.resolve(line.substring(1));
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(source));
                    present.add(line);
                } else if (Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy.getParent());
                    // A conffile as the operator changed it: what ran healthy is what comes back.
                    Files.copy(source, copy, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                    present.add(line);
                }
                // A file deleted since (a conffile the operator removed) stays deleted.
            }
            Path info = root.resolve("var/lib/dpkg/info");
            for (String name : CONTROL_FILES) {
                Path source = info.resolve(packageName + "." + name);
                if (!Files.isRegularFile(source)) {
                    continue;
                }
                if (name.equals("conffiles")) {
                    List<String> kept = Files.readAllLines(source).stream()
                            .filter(c -> present.contains(c.strip())).toList();
                    if (!kept.isEmpty()) {
                        Files.write(debian.resolve(name), kept);
                    }
                } else {
                    Files.copy(source, debian.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new InstallFailed("cannot copy the installed files of " + packageName + ": " + e.getMessage());
        }
        // Uncompressed, as the project's jdeb build makes them (PackageCheck reads no xz).
        Run build = run(List.of("dpkg-deb", "-Znone", "--build", work.toString(), target.toString()));
        if (build.exit() != 0) {
            throw new InstallFailed("dpkg-deb exited with " + build.exit() + ": " + tail(build.output()));
        }
    }

    private List<String> query(String action, String packageName) {
        List<String> command = new ArrayList<>(List.of("dpkg-query"));
        command.addAll(dpkgOptions);
        command.addAll(List.of(action, packageName));
        return command;
    }

    /** The control file of an installed package: its status paragraph without the fields only the database has. */
    static String controlOf(String status) {
        StringBuilder control = new StringBuilder();
        boolean skipping = false;
        for (String line : status.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ") && !line.startsWith("\t")) {
                int colon = line.indexOf(':');
                skipping = colon > 0 && STATUS_ONLY_FIELDS.contains(line.substring(0, colon));
            }
            if (!skipping) {
                control.append(line).append('\n');
            }
        }
        return control.toString();
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

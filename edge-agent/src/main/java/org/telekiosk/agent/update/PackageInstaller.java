package org.telekiosk.agent.update;

import java.nio.file.Path;
import java.util.Optional;
import org.telekiosk.protocol.update.DebianVersion;

/** The step that changes the system: installs a Debian package. The real one is {@link DpkgInstaller}. */
public interface PackageInstaller {
    /** The installed version of {@code packageName}, if it is installed. */
    Optional<DebianVersion> installedVersion(String packageName) throws InstallFailed;

    /** Installs {@code deb} (a newer version, or an older one to roll back). */
    void install(Path deb) throws InstallFailed;

    /**
     * Rebuilds the installed version of {@code packageName} as a package at {@code target}, from the package database
     * and the installed files (as {@code dpkg-repack} does): the way back for the first update after a package was
     * installed by hand, when the installer has no package of its own of that version.
     *
     * @param work an empty directory for the package tree, which the caller deletes afterwards
     */
    void repack(String packageName, Path work, Path target) throws InstallFailed;

    /** Installing failed; the message says what the installer said. */
    final class InstallFailed extends Exception {
        public InstallFailed(String message) {
            super(message);
        }
    }
}

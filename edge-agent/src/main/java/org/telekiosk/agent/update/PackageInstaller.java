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

    /** Installing failed; the message says what the installer said. */
    final class InstallFailed extends Exception {
        public InstallFailed(String message) {
            super(message);
        }
    }
}

package org.telekiosk.agent.update;

import java.util.Objects;
import org.telekiosk.protocol.update.DebPackage;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.RefusalReason;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * Decides whether a downloaded agent package may be installed, in this order: its length is what was offered
 * ({@link RefusalReason#TRUNCATED}), its Ed25519 signature verifies over the whole file against the key pinned at
 * enrollment ({@link RefusalReason#SIGNATURE}), it is a Debian package of the agent
 * ({@link RefusalReason#NOT_THE_AGENT}), for this machine's architecture ({@link RefusalReason#ARCHITECTURE}), and
 * newer than the version running ({@link RefusalReason#OLDER}). Everything after the signature is read from the
 * verified bytes, never from the broker's offer. Used by the agent before it hands a package on, and again by the
 * root installer before it runs dpkg.
 */
public final class PackageCheck {
    /** The agent's package name. */
    public static final String AGENT_PACKAGE = "telekiosk-edge-agent";

    /** The outcome. */
    public sealed interface Result {
        /** May be installed. */
        record Verified(DebPackage control) implements Result {}

        /** Must not be installed. */
        record Refused(RefusalReason reason, String detail) implements Result {}
    }

    private final UpdateKey key;
    private final String architecture;

    /** @param architecture this machine's dpkg architecture ({@link DebPackage#machineArchitecture()}) */
    public PackageCheck(UpdateKey key, String architecture) {
        this.key = Objects.requireNonNull(key, "key");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
    }

    /**
     * @param content       the downloaded file
     * @param expectedSize  the length the broker offered (the file's own length when checked again by the installer)
     * @param signature     the signature's bytes
     * @param running       the version running now
     */
    public Result check(byte[] content, long expectedSize, byte[] signature, DebianVersion running) {
        if (content.length != expectedSize) {
            return new Result.Refused(RefusalReason.TRUNCATED, "received " + content.length + " of " + expectedSize
                    + " bytes");
        }
        if (!key.verifies(content, signature)) {
            return new Result.Refused(RefusalReason.SIGNATURE, "the signature does not verify against the update key "
                    + key.fingerprint() + " pinned at enrollment");
        }
        DebPackage control;
        try {
            control = DebPackage.read(content);
        } catch (DebPackage.NotAPackage e) {
            return new Result.Refused(RefusalReason.NOT_THE_AGENT, e.getMessage());
        }
        if (!control.name().equals(AGENT_PACKAGE)) {
            return new Result.Refused(RefusalReason.NOT_THE_AGENT, "the package is '" + control.name() + "', not "
                    + AGENT_PACKAGE);
        }
        if (!control.installsOn(architecture)) {
            return new Result.Refused(RefusalReason.ARCHITECTURE, "the package is for " + control.architecture()
                    + ", this kiosk is " + architecture);
        }
        if (!control.version().isNewerThan(running)) {
            return new Result.Refused(RefusalReason.OLDER, "the package's version " + control.version()
                    + " is not newer than the running " + running);
        }
        return new Result.Verified(control);
    }
}

package org.telekiosk.broker.update;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.DebPackage;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The agent packages the broker serves: each {@code *.deb} in the directory {@code updates.dir} that has its
 * signature beside it ({@code <file>.deb.sig}: the 64 raw bytes of the Ed25519 signature of the whole file, as
 * {@code telekiosk-broker sign-agent-update} or {@code openssl pkeyutl -sign -rawin} write it) and whose signature
 * verifies against {@code updates.public-key-file}. A package that fails is not offered and is logged once (the
 * operator dropped the wrong file); the kiosks check again anyway. Verified packages are remembered by name, size and
 * modification time, so a directory of large files is read once. Blocking (files): call off the event loop.
 */
public final class AgentPackages {
    private static final Logger LOG = LoggerFactory.getLogger(AgentPackages.class);
    /** The agent's package name; other packages in the directory are ignored. */
    public static final String AGENT_PACKAGE = "telekiosk-edge-agent";
    static final String PATH_PREFIX = "/api/v1/agent-update/packages/";

    /** A verified package in the directory. */
    public record Available(Path file, DebPackage control, long size, byte[] signature) {
        public AgentUpdateOffer offer() {
            return new AgentUpdateOffer(control.name(), control.version().value(), control.architecture(), size,
                    Base64.getEncoder().encodeToString(signature), PATH_PREFIX + file.getFileName());
        }
    }

    private record Seen(long size, FileTime modified, Optional<Available> verified) {}

    private final Path dir;
    private final UpdateKey key;
    private final Map<Path, Seen> seen = new ConcurrentHashMap<>();

    public AgentPackages(Path dir, UpdateKey key) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.key = Objects.requireNonNull(key, "key");
    }

    public UpdateKey key() {
        return key;
    }

    public Path directory() {
        return dir;
    }

    /** The newest verified package for a kiosk of {@code architecture} that is newer than {@code running}. */
    public Optional<Available> newerThan(DebianVersion running, String architecture) {
        return all().stream()
                .filter(p -> p.control().installsOn(architecture))
                .filter(p -> p.control().version().isNewerThan(running))
                .max(Comparator.comparing(p -> p.control().version()));
    }

    /** The verified package named {@code fileName} (a plain file name, nothing else). */
    public Optional<Available> named(String fileName) {
        if (!fileName.matches("[A-Za-z0-9._+~-]+\\.deb") || fileName.startsWith(".")) {
            return Optional.empty();
        }
        return all().stream().filter(p -> p.file().getFileName().toString().equals(fileName)).findFirst();
    }

    /** Every verified agent package in the directory. */
    public List<Available> all() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> debs = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.deb")) {
            files.forEach(debs::add);
        } catch (IOException e) {
            LOG.warn("Cannot list agent packages in {}: {}", dir, e.toString());
            return List.of();
        }
        seen.keySet().retainAll(debs);
        return debs.stream().map(this::check).flatMap(Optional::stream).toList();
    }

    private Optional<Available> check(Path deb) {
        try {
            long size = Files.size(deb);
            FileTime modified = Files.getLastModifiedTime(deb);
            Path sigFile = deb.resolveSibling(deb.getFileName() + ".sig");
            FileTime sigModified = Files.exists(sigFile) ? Files.getLastModifiedTime(sigFile) : FileTime.fromMillis(0);
            FileTime newest = modified.compareTo(sigModified) >= 0 ? modified : sigModified;
            Seen known = seen.get(deb);
            if (known != null && known.size() == size && known.modified().equals(newest)) {
                return known.verified();
            }
            Optional<Available> verified = verify(deb, sigFile, size);
            seen.put(deb, new Seen(size, newest, verified));
            return verified;
        } catch (IOException e) {
            LOG.warn("Cannot read agent package {}: {}", deb, e.toString());
            return Optional.empty();
        }
    }

    private Optional<Available> verify(Path deb, Path sigFile, long size) throws IOException {
        if (size > AgentUpdateOffer.MAX_SIZE) {
            LOG.warn("Not offering {}: {} bytes is more than an agent package may have", deb, size);
            return Optional.empty();
        }
        if (!Files.exists(sigFile)) {
            LOG.warn("Not offering {}: no signature {} beside it", deb, sigFile.getFileName());
            return Optional.empty();
        }
        byte[] content = Files.readAllBytes(deb);
        byte[] signature = Files.readAllBytes(sigFile);
        if (!key.verifies(content, signature)) {
            LOG.warn("Not offering {}: its signature does not verify against the update key {}", deb,
                    key.fingerprint());
            return Optional.empty();
        }
        DebPackage control;
        try {
            control = DebPackage.read(content);
        } catch (DebPackage.NotAPackage e) {
            LOG.warn("Not offering {}: {}", deb, e.getMessage());
            return Optional.empty();
        }
        if (!control.name().equals(AGENT_PACKAGE)) {
            LOG.warn("Not offering {}: it is the package '{}', not {}", deb, control.name(), AGENT_PACKAGE);
            return Optional.empty();
        }
        LOG.info("Agent package {} {} ({}) verified with update key {}", control.version(), control.architecture(),
                deb.getFileName(), key.fingerprint());
        return Optional.of(new Available(deb, control, size, signature));
    }
}

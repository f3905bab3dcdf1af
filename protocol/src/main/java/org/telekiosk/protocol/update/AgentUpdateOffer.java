package org.telekiosk.protocol.update;

import java.util.Base64;
import java.util.Objects;

/**
 * Answer of {@code GET /api/v1/agent-update?version=<running>&arch=<dpkg architecture>} (JSON, over mutual TLS with
 * the kiosk's certificate) when the broker holds a newer agent package for the kiosk: what to download and the
 * signature to check it with. 204 (no body) when there is none, or when the kiosk is in a consultation (then with
 * {@code Retry-After}). Nothing here is trusted by the kiosk: the signature is checked against the key pinned at
 * enrollment over the whole downloaded file, and the version and architecture are read again from the verified
 * package's own control file.
 *
 * @param packageName  the package's {@code Package} field, {@code telekiosk-edge-agent}
 * @param version      its {@code Version}
 * @param architecture its {@code Architecture}
 * @param size         the file's length in bytes; the kiosk downloads no more than this
 * @param signature    base64 of the 64-byte Ed25519 signature of the whole file ({@link UpdateKey})
 * @param path         where to {@code GET} it on the same origin: {@code /api/v1/agent-update/packages/<file>}
 */
public record AgentUpdateOffer(String packageName, String version, String architecture, long size, String signature,
        String path) {
    /** The most bytes an agent package may have. */
    public static final long MAX_SIZE = 256L * 1024 * 1024;

    public AgentUpdateOffer {
        Objects.requireNonNull(packageName, "packageName");
        DebianVersion.of(Objects.requireNonNull(version, "version"));
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(path, "path");
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be 1.." + MAX_SIZE + ", was " + size);
        }
        if (!path.startsWith("/api/v1/agent-update/packages/") || path.contains("..")) {
            throw new IllegalArgumentException("path must be under /api/v1/agent-update/packages/");
        }
        try {
            Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signature must be base64");
        }
    }

    /** The signature's bytes. */
    public byte[] signatureBytes() {
        return Base64.getDecoder().decode(signature);
    }
}

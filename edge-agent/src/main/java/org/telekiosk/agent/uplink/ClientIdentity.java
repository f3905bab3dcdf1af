package org.telekiosk.agent.uplink;

import java.util.Objects;
import java.nio.file.Path;

/**
 * The kiosk's TLS client identity for mutual TLS (RFC 8446 §4.4.2): its certificate chain (PEM, the kiosk's
 * certificate first) and its private key (PKCS#8 PEM, 0600), both written by enrollment and replaced by renewal.
 * The files are read again whenever they change, so a renewed certificate is used from the next connection on.
 */
public record ClientIdentity(Path certificateFile, Path keyFile) {
    public ClientIdentity {
        Objects.requireNonNull(certificateFile, "certificateFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}

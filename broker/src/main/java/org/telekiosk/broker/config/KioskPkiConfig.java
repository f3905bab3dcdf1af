package org.telekiosk.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The enrollment and PKI keys of {@code broker-defaults.properties}, validated.
 *
 * @param tokenLifetime         {@code enrollment.token-lifetime}, PT5M..P30D
 * @param certificateLifetime   {@code enrollment.certificate-lifetime}, PT1H..P397D
 * @param serverCertificateFile {@code https.certificate-file}: an operator-supplied PEM chain for the HTTPS listener
 * @param serverKeyFile         {@code https.key-file}: its PKCS#8 PEM key (0600); both or neither
 * @param publicUrl             {@code https.public-url}: where kiosks and browsers reach the broker, e.g.
 *                              {@code https://telekiosk.example:8443}; empty: derived from the first of
 *                              {@code https.host-names} and the HTTPS port ({@link #publicUrl(String, int)})
 * @param updateKeyFile         {@code agent-update.public-key-file}: the Ed25519 public key (PEM) that signs agent
 *                              packages; empty: no agent updates are served and kiosks pin no update key
 * @param updatesDir            {@code agent-update.dir}: where the operator drops signed agent packages; empty means
 *                              {@code <data.dir>/agent-updates}
 */
public record KioskPkiConfig(Duration tokenLifetime, Duration certificateLifetime,
        Optional<Path> serverCertificateFile, Optional<Path> serverKeyFile, Optional<String> publicUrl,
        Optional<Path> updateKeyFile, Optional<Path> updatesDir) {
    public KioskPkiConfig(Duration tokenLifetime, Duration certificateLifetime, Optional<Path> serverCertificateFile,
            Optional<Path> serverKeyFile) {
        this(tokenLifetime, certificateLifetime, serverCertificateFile, serverKeyFile, Optional.empty());
    }

    /** Without agent updates. */
    public KioskPkiConfig(Duration tokenLifetime, Duration certificateLifetime, Optional<Path> serverCertificateFile,
            Optional<Path> serverKeyFile, Optional<String> publicUrl) {
        this(tokenLifetime, certificateLifetime, serverCertificateFile, serverKeyFile, publicUrl, Optional.empty(),
                Optional.empty());
    }

    public KioskPkiConfig {
        Objects.requireNonNull(updateKeyFile, "agent-update.public-key-file");
        Objects.requireNonNull(updatesDir, "agent-update.dir");
        Objects.requireNonNull(publicUrl, "publicUrl");
        publicUrl = publicUrl.map(String::strip).filter(u -> !u.isEmpty());
        if (publicUrl.isPresent() && !publicUrl.get().matches("https://[A-Za-z0-9.\\[\\]:-]+(:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("https.public-url: '" + publicUrl.get()
                    + "' is not a base URL like https://telekiosk.example:8443 (no path, no trailing slash)");
        }
        Objects.requireNonNull(tokenLifetime, "enrollment.token-lifetime is required");
        Objects.requireNonNull(certificateLifetime, "enrollment.certificate-lifetime is required");
        if (tokenLifetime.compareTo(Duration.ofMinutes(5)) < 0 || tokenLifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("enrollment.token-lifetime must be PT5M..P30D, was " + tokenLifetime);
        }
        if (certificateLifetime.compareTo(Duration.ofHours(1)) < 0
                || certificateLifetime.compareTo(Duration.ofDays(397)) > 0) {
            throw new IllegalArgumentException("enrollment.certificate-lifetime must be PT1H..P397D, was "
                    + certificateLifetime);
        }
        if (serverCertificateFile.isPresent() != serverKeyFile.isPresent()) {
            throw new IllegalArgumentException("https.certificate-file and https.key-file go together: set both "
                    + "(an operator-supplied certificate) or neither (the broker issues its own)");
        }
    }

    /**
     * The broker's public base URL: {@code https.public-url} if set, otherwise {@code https://<firstHost>[:port]}
     * (no port for 443; an IPv6 literal in brackets).
     */
    public String publicUrl(String firstHost, int httpsPort) {
        return publicUrl.orElseGet(() -> "https://" + (firstHost.contains(":") ? "[" + firstHost + "]" : firstHost)
                + (httpsPort == 443 ? "" : ":" + httpsPort));
    }

    /** Where the broker serves its CRL (DER, {@code /pki/crl}), named in every certificate it issues. */
    public String crlUrl(String firstHost, int httpsPort) {
        return publicUrl(firstHost, httpsPort) + "/pki/crl";
    }

    public static KioskPkiConfig defaults() {
        return new KioskPkiConfig(Duration.ofHours(24), Duration.ofDays(30), Optional.empty(), Optional.empty());
    }
}

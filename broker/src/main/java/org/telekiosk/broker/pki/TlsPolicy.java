package org.telekiosk.broker.pki;

import java.util.List;

/**
 * The TLS versions and cipher suites every listener of the broker accepts: TLS 1.3, and TLS 1.2 only with ECDHE and
 * AEAD ciphers (forward secrecy; as BSI TR-02102-2 recommends). Our certificates carry P-256 keys, so ECDSA suites.
 */
public final class TlsPolicy {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {}
}

package org.telekiosk.protocol.enrollment;

import java.util.Objects;

/**
 * Body of {@code POST /api/v1/renew} (JSON), sent over mutual TLS with the kiosk's current, unexpired certificate:
 * a new CSR (PEM) for a new key made on the kiosk, subject {@code CN=<kiosk id>} as before. No token.
 *
 * @param csr the CSR, PEM
 */
public record RenewalRequest(String csr) {
    public RenewalRequest {
        Objects.requireNonNull(csr, "csr");
        if (csr.length() > 8192) {
            throw new IllegalArgumentException("csr is longer than 8192 characters");
        }
    }
}

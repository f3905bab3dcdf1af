package org.telekiosk.protocol.enrollment;

import java.util.Objects;

/**
 * Body of {@code POST /api/v1/enroll} (JSON): the one-time token a technician created, and a PKCS#10 certificate
 * signing request (RFC 2986) in PEM (RFC 7468, {@code CERTIFICATE REQUEST}) whose subject is {@code CN=<kiosk id>}
 * and whose key (ECDSA P-256 or P-384) was made on the kiosk. The private key never leaves the kiosk.
 *
 * @param token the token line, see {@link EnrollmentToken}
 * @param csr   the CSR, PEM
 */
public record EnrollmentRequest(String token, String csr) {
    public EnrollmentRequest {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(csr, "csr");
        if (token.length() > 200) {
            throw new IllegalArgumentException("token is longer than 200 characters");
        }
        if (csr.length() > 8192) {
            throw new IllegalArgumentException("csr is longer than 8192 characters");
        }
    }

    @Override
    public String toString() {
        return "EnrollmentRequest[token redacted]";
    }
}

package org.telekiosk.broker.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;

/** The pin of a CA certificate: SHA-256 of its DER-encoded SubjectPublicKeyInfo (as in RFC 7469 and kubeadm). */
public final class CaPin {
    private CaPin() {}

    public static byte[] of(X509Certificate ca) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}

package org.telekiosk.protocol.update;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The public half of the key that signs agent packages: Ed25519 (RFC 8032), carried as the base64 of its X.509
 * SubjectPublicKeyInfo (RFC 8410, 44 bytes) and stored as PEM ({@code -----BEGIN PUBLIC KEY-----}, as {@code openssl
 * pkey -pubout} writes it). A signature is the 64-byte Ed25519 signature of the whole {@code .deb} file, no pre-hash
 * (what {@code openssl pkeyutl -sign -rawin} makes).
 */
public final class UpdateKey {
    /** The length of an Ed25519 SubjectPublicKeyInfo in DER. */
    static final int SPKI_LENGTH = 44;
    /** The length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private final PublicKey key;
    private final byte[] encoded;

    private UpdateKey(PublicKey key) {
        this.key = key;
        this.encoded = key.getEncoded();
    }

    /** From a Java key; it must be an Ed25519 key. */
    public static UpdateKey of(PublicKey key) {
        Objects.requireNonNull(key, "key");
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("the update key must be Ed25519, was " + key.getAlgorithm());
        }
        return parse(Base64.getEncoder().encodeToString(key.getEncoded()));
    }

    /** From the base64 of its SubjectPublicKeyInfo (the {@code updateKey} field of the enrollment answer). */
    public static UpdateKey parse(String base64) {
        Objects.requireNonNull(base64, "updateKey");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the update key is not base64");
        }
        if (der.length != SPKI_LENGTH) {
            throw new IllegalArgumentException("the update key must be an Ed25519 SubjectPublicKeyInfo of "
                    + SPKI_LENGTH + " bytes, was " + der.length);
        }
        try {
            return new UpdateKey(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the update key is not an Ed25519 public key: " + e.getMessage());
        }
    }

    /** From PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
    public static UpdateKey fromPem(String pem) {
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        if (body.isEmpty() || !pem.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        return parse(body);
    }

    /** The base64 of the SubjectPublicKeyInfo. */
    public String base64() {
        return Base64.getEncoder().encodeToString(encoded);
    }

    public String pem() {
        return "-----BEGIN PUBLIC KEY-----\n" + base64() + "\n-----END PUBLIC KEY-----\n";
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code content}. */
    public boolean verifies(byte[] content, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(content);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A short fingerprint for logs and the technician: the first 8 bytes of the key, hex. */
    public String fingerprint() {
        StringBuilder hex = new StringBuilder();
        for (int i = SPKI_LENGTH - 32; i < SPKI_LENGTH - 24; i++) {
            hex.append(String.format("%02x", encoded[i]));
        }
        return hex.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UpdateKey k && Arrays.equals(encoded, k.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Ed25519 update key " + fingerprint();
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}

package org.telekiosk.broker.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password that protects the broker's PKCS#12 key stores. Taken from the environment variable
 * {@value #ENV} when set (production: from a secret store); otherwise generated once and kept in the data
 * directory with permissions 0600, which protects the keys no better than the file permissions themselves do.
 * The password is never logged.
 */
public final class KeystorePassword {
    /** The environment variable that supplies the password. */
    public static final String ENV = "TELEKIOSK_KEYSTORE_PASSWORD";

    private final char[] value;

    private KeystorePassword(char[] value) {
        this.value = value;
    }

    /** From {@code environmentValue} if not blank, otherwise from (or newly into) {@code file}. */
    public static KeystorePassword resolve(String environmentValue, Path file, SecureRandom random)
            throws IOException {
        if (environmentValue != null && !environmentValue.isBlank()) {
            return new KeystorePassword(environmentValue.toCharArray());
        }
        if (Files.exists(file)) {
            SecureFiles.requireOwnerOnly(file);
            return new KeystorePassword(Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray());
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SecureFiles.writeSecret(file, generated.getBytes(StandardCharsets.US_ASCII));
        return new KeystorePassword(generated.toCharArray());
    }

    /** The password; callers must not log or keep it beyond their use. */
    public char[] chars() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "KeystorePassword[redacted]";
    }
}

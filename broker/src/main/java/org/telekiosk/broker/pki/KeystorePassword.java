package org.telekiosk.broker.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password that protects the broker's PKCS#12 key stores, from the first of: the systemd credential
 * {@value #CREDENTIAL} ({@code $CREDENTIALS_DIRECTORY}, set by {@code LoadCredential=} or {@code
 * LoadCredentialEncrypted=} in the unit: the password kept encrypted on disk, with the machine's TPM or host key, and
 * readable only by the service while it runs; a secret store that mounts files, such as Vault's agent or Kubernetes
 * secrets, provides it the same way); the environment variable {@value #ENV}; the file {@code pki/keystore.password}
 * in the data directory (0600), generated once if none of these is there, which protects the keys no better than the
 * file permissions themselves do. The password is never logged.
 */
public final class KeystorePassword {
    /** The environment variable that supplies the password. */
    public static final String ENV = "TELEKIOSK_KEYSTORE_PASSWORD";
    /** The name of the systemd credential that supplies the password (a file in {@code $CREDENTIALS_DIRECTORY}). */
    public static final String CREDENTIAL = "telekiosk-keystore-password";
    /** The environment variable systemd sets to the directory of the service's credentials. */
    static final String CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY";

    private final char[] value;

    private KeystorePassword(char[] value) {
        this.value = value;
    }

    /**
     * From the systemd credential {@value #CREDENTIAL} if {@code environment} names a credentials directory holding
     * it, otherwise as {@link #resolve(String, Path, SecureRandom)} with {@code environment}'s {@value #ENV}. A
     * credential that is named but empty is an error (a misconfigured unit), not a reason to generate a password.
     */
    public static KeystorePassword fromEnvironment(java.util.Map<String, String> environment, Path file,
            SecureRandom random)
            throws IOException {
        String credentials = environment.get(CREDENTIALS_DIRECTORY);
        if (credentials != null && !credentials.isBlank()) {
            Path credential = Path.of(credentials).resolve(CREDENTIAL);
            if (Files.isRegularFile(credential)) {
                String value = Files.readString(credential, StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new IOException("the systemd credential " + CREDENTIAL + " is empty (" + credential + ")");
                }
                return new KeystorePassword(value.toCharArray());
            }
        }
        return resolve(environment.get(ENV), file, random);
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

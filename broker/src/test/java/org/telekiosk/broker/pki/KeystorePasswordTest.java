package org.telekiosk.broker.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the key stores' password comes from: a systemd credential first, then the environment, then the file. */
class KeystorePasswordTest {
    @TempDir
    Path dir;

    final SecureRandom random = new SecureRandom();

    @Test
    void theSystemdCredentialComesFirstAndNothingIsWrittenToTheDataDirectory() throws IOException {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Files.writeString(credentials.resolve(KeystorePassword.CREDENTIAL), "from-the-credential\n");
        Path file = dir.resolve("keystore.password");
        KeystorePassword password = KeystorePassword.fromEnvironment(Map.of("CREDENTIALS_DIRECTORY", credentials.toString(),
                KeystorePassword.ENV, "from-the-environment"), file, random);
        assertArrayEquals("from-the-credential".toCharArray(), password.chars());
        assertFalse(Files.exists(file), "a password from the credential must not be written to the data directory");
    }

    @Test
    void withoutTheCredentialTheEnvironmentAndThenTheFileApply() throws IOException {
        Path credentials = Files.createDirectory(dir.resolve("other-credentials")); // the unit loads other credentials
        Path file = dir.resolve("keystore.password");
        assertArrayEquals("from-the-environment".toCharArray(), KeystorePassword.fromEnvironment(Map.of(
                "CREDENTIALS_DIRECTORY", credentials.toString(), KeystorePassword.ENV, "from-the-environment"),
                file, random).chars());
        char[] generated = KeystorePassword.fromEnvironment(Map.of(), file, random).chars();
        assertTrue(Files.exists(file));
        assertArrayEquals(generated, KeystorePassword.fromEnvironment(Map.of(), file, random).chars(), "kept, not made anew");
    }

    @Test
    void anEmptyCredentialIsAnErrorNotAReasonToMakeAPassword() throws IOException {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Files.writeString(credentials.resolve(KeystorePassword.CREDENTIAL), "\n");
        Path file = dir.resolve("keystore.password");
        IOException e = assertThrows(IOException.class, () -> KeystorePassword.fromEnvironment(
                Map.of("CREDENTIALS_DIRECTORY", credentials.toString()), file, random));
        assertTrue(e.getMessage().contains(KeystorePassword.CREDENTIAL), e.getMessage());
        assertFalse(Files.exists(file));
    }
}

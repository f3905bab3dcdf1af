package org.telekiosk.broker.kiosk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.KioskId;

class KioskCredentialsTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    @TempDir
    Path dir;

    @Test
    void anIssuedSecretVerifiesAndSurvivesARestartWhileOnlyItsHashIsStored() throws Exception {
        Path file = dir.resolve("credentials.properties");
        String secret = KioskCredentials.open(file, new SecureRandom()).issue(KIOSK);
        KioskCredentials reopened = KioskCredentials.open(file, new SecureRandom());
        assertTrue(reopened.verify(KIOSK, secret.getBytes(StandardCharsets.US_ASCII)));
        assertFalse(Files.readString(file).contains(secret), "the secret itself is never stored");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aWrongSecretAnUnknownKioskAndAReplacedSecretAreRefused() throws Exception {
        KioskCredentials credentials = KioskCredentials.open(dir.resolve("c.properties"), new SecureRandom());
        String old = credentials.issue(KIOSK);
        assertFalse(credentials.verify(KIOSK, (old + "x").getBytes(StandardCharsets.US_ASCII)));
        assertFalse(credentials.verify(KioskId.of("other-kiosk"), old.getBytes(StandardCharsets.US_ASCII)));
        String fresh = credentials.issue(KIOSK);
        assertFalse(credentials.verify(KIOSK, old.getBytes(StandardCharsets.US_ASCII)), "reissuing revokes the old");
        assertTrue(credentials.verify(KIOSK, fresh.getBytes(StandardCharsets.US_ASCII)));
        assertFalse(credentials.verify(KIOSK, new byte[0]));
    }
}

package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    static final Argon2idParameters SMALL = new Argon2idParameters(64, 2, 1, 16, 32);

    @Test
    void argon2idMatchesTheTestVectorOfRfc9106Section5_3() {
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] associatedData = filled(12, 0x04);
        byte[] tag = PasswordHasher.argon2id(password, salt, secret, associatedData, 32, 3, 4, 32);
        assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
                HexFormat.of().formatHex(tag));
    }

    @Test
    void aPhcStringFromTheArgon2ReferenceImplementationVerifiesWithItsOwnParameters() {
        // From the reference implementation's src/test.c (P-H-C/phc-winner-argon2); salt "somesalt" is 8 bytes.
        PasswordHasher hasher = new PasswordHasher(SMALL, new SecureRandom());
        String reference = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        assertTrue(hasher.verify(Password.of("password"), reference));
        assertFalse(hasher.verify(Password.of("Password"), reference));
        assertTrue(hasher.needsRehash(reference), "made with other parameters than the current ones");
    }

    @Test
    void theReferenceVectorAtProductionMemoryVerifiesToo() {
        PasswordHasher hasher = new PasswordHasher(SMALL, new SecureRandom());
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(hasher.verify(Password.of("password"), reference));
    }

    @Test
    void aHashRoundTripsAndItsPhcStringRecordsTheParametersItWasMadeWith() {
        PasswordHasher hasher = new PasswordHasher(new Argon2idParameters(128, 3, 2, 16, 32), new SecureRandom());
        String hash = hasher.hash(Password.of("korrekt pferd batterie"));
        assertTrue(hash.startsWith("$argon2id$v=19$m=128,t=3,p=2$"), hash);
        PhcString parsed = PhcString.parse(hash);
        assertEquals(16, parsed.salt().length);
        assertEquals(32, parsed.tag().length);
        assertTrue(hasher.verify(Password.of("korrekt pferd batterie"), hash));
        assertFalse(hasher.verify(Password.of("korrekt pferd batterie "), hash));
        assertFalse(hasher.needsRehash(hash));
    }

    @Test
    void verificationUsesTheParametersInTheStringNotTheCurrentOnes() {
        String madeWithSmall = new PasswordHasher(SMALL, new SecureRandom()).hash(Password.of("a long passphrase"));
        PasswordHasher stronger = new PasswordHasher(new Argon2idParameters(256, 3, 1, 16, 32), new SecureRandom());
        assertTrue(stronger.verify(Password.of("a long passphrase"), madeWithSmall));
        assertTrue(stronger.needsRehash(madeWithSmall));
        String tampered = madeWithSmall.replace("t=2", "t=3");
        assertFalse(stronger.verify(Password.of("a long passphrase"), tampered), "t is part of the hash");
    }

    @Test
    void twoHashesOfOnePasswordDifferBecauseOfTheirSalts() {
        PasswordHasher hasher = new PasswordHasher(SMALL, new SecureRandom());
        assertNotEquals(hasher.hash(Password.of("same password!")), hasher.hash(Password.of("same password!")));
    }

    @Test
    void unicodePasswordsAreNormalisedSoComposedAndDecomposedFormsMatch() {
        PasswordHasher hasher = new PasswordHasher(SMALL, new SecureRandom());
        String hash = hasher.hash(Password.of("Gr\u00fc\u00dfe aus M\u00fcnchen"));
        assertTrue(hasher.verify(Password.of("Gru\u0308\u00dfe aus Mu\u0308nchen"), hash));
    }

    @Test
    void aStoredValueThatIsNotAnArgon2idPhcStringIsADataErrorThatDoesNotEchoIt() {
        PasswordHasher hasher = new PasswordHasher(SMALL, new SecureRandom());
        var e = assertThrows(IllegalArgumentException.class,
                () -> hasher.verify(Password.of("whatever"), "$2b$10$secretlookingbcryptvalue"));
        assertFalse(e.getMessage().contains("secretlooking"));
        assertThrows(IllegalArgumentException.class, () -> hasher.verify(Password.of("x"),
                "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"));
    }

    @Test
    void productionParametersFollowRfc9106AndOwasp() {
        Argon2idParameters p = Argon2idParameters.PRODUCTION;
        assertEquals(64 * 1024, p.memoryKiB());
        assertTrue(p.iterations() >= 2);
        assertEquals(1, p.parallelism());
        assertEquals(16, p.saltBytes());
        assertEquals(32, p.tagBytes());
    }

    @Test
    void parametersOutsideTheirRangesAreRefusedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(4, 2, 1, 16, 32));
        assertTrue(e.getMessage().contains("memoryKiB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 0, 1, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 2, 1, 4, 32));
    }

    @Test
    void aPasswordNeverPrintsItself() {
        assertFalse(Password.of("hunter2hunter2").toString().contains("hunter2"));
        StoredAccount stored = new StoredAccount(new Account(AccountId.random(), LoginName.of("dr.weber"),
                DisplayName.of("Dr. Weber"), Role.DOCTOR), "$argon2id$v=19$m=64,t=2,p=1$AAAA$BBBB");
        assertFalse(stored.toString().contains("argon2id"));
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}

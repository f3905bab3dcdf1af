package org.telekiosk.broker.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes and verifies passwords with Argon2id (RFC 9106) through Bouncy Castle's {@link Argon2BytesGenerator},
 * encoded as PHC strings so that each hash carries its own parameters. Passwords are normalised to Unicode NFC
 * before hashing (RFC 8265 OpaqueString), so the same password typed on a kiosk and on a Mac matches.
 *
 * <p>Each hash takes {@code memoryKiB} of memory and, with {@link Argon2idParameters#PRODUCTION}, a few hundred
 * milliseconds of one core: it blocks, so callers must not run it on a Netty event loop, and should bound how many
 * run at once. Thread-safe.
 */
public final class PasswordHasher {
    private final Argon2idParameters parameters;
    private final SecureRandom random;
    private final String dummyHash;

    public PasswordHasher(Argon2idParameters parameters, SecureRandom random) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.random = Objects.requireNonNull(random, "random");
        // The dummy needs the current parameters and a salt, not a real hash: verifyAgainstDummy recomputes the hash
        // with them, which is the cost of a real check, and compares it with a random tag that a password matches
        // only by chance (2^-256). Computing a hash here cost every broker start one production hash.
        byte[] salt = new byte[parameters.saltBytes()];
        random.nextBytes(salt);
        byte[] tag = new byte[parameters.tagBytes()];
        random.nextBytes(tag);
        this.dummyHash = new PhcString(parameters, salt, tag).format();
    }

    /** A new hash of {@code password} with a fresh random salt, as a PHC string. */
    public String hash(Password password) {
        byte[] salt = new byte[parameters.saltBytes()];
        random.nextBytes(salt);
        return new PhcString(parameters, salt, derive(password, salt, parameters)).format();
    }

    /**
     * Whether {@code password} matches {@code phcString}, recomputed with the parameters recorded in the string and
     * compared in constant time. A string that is not an Argon2id PHC string is a data error, not a wrong password,
     * and throws {@link IllegalArgumentException}.
     */
    public boolean verify(Password password, String phcString) {
        PhcString stored = PhcString.parse(phcString);
        byte[] actual = derive(password, stored.salt(), stored.parameters());
        return MessageDigest.isEqual(actual, stored.tag());
    }

    /**
     * Spends as long as {@link #verify} would on a real hash, so that a login for an unknown name takes as long as one
     * for a known name with a wrong password (OWASP Authentication Cheat Sheet, "Authentication Responses").
     */
    public void verifyAgainstDummy(Password password) {
        verify(password, dummyHash);
    }

    /** Whether {@code phcString} was made with other parameters than the current ones and should be replaced. */
    public boolean needsRehash(String phcString) {
        return !PhcString.parse(phcString).parameters().sameCostAs(parameters);
    }

    private static byte[] derive(Password password, byte[] salt, Argon2idParameters cost) {
        byte[] bytes = Normalizer.normalize(password.value(), Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
        try {
            return argon2id(bytes, salt, null, null, cost.memoryKiB(), cost.iterations(), cost.parallelism(),
                    cost.tagBytes());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Raw Argon2id v1.3 with optional secret and associated data (RFC 9106 §3.1), for the §5.3 test vector. */
    static byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, int memoryKiB,
            int iterations, int parallelism, int tagBytes) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (associatedData != null) {
            builder.withAdditional(associatedData);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] tag = new byte[tagBytes];
        generator.generateBytes(password, tag);
        return tag;
    }
}

package org.telekiosk.broker.account;

/**
 * The cost of an Argon2id password hash (RFC 9106). {@link #PRODUCTION} is RFC 9106 §4's second recommended option
 * for memory-constrained settings (64 MiB, 3 passes) with one lane, which also satisfies OWASP's Password Storage
 * Cheat Sheet (at least 19 MiB, 2 passes, 1 lane). Bouncy Castle computes lanes one after another, so more lanes
 * would only cost us time without costing an attacker more. Because each hash records its own parameters (a PHC
 * string), they can be raised later: a login with an older hash rehashes it.
 *
 * @param memoryKiB   memory in KiB (RFC 9106 "m"), at least 8 per lane, at most 1 GiB
 * @param iterations  passes over memory ("t"), 1 to 16
 * @param parallelism lanes ("p"), 1 to 16
 * @param saltBytes   random salt per hash, 8 to 64 bytes (RFC 9106 recommends 16)
 * @param tagBytes    hash length, 16 to 64 bytes
 */
public record Argon2idParameters(int memoryKiB, int iterations, int parallelism, int saltBytes, int tagBytes) {
    public static final Argon2idParameters PRODUCTION = new Argon2idParameters(64 * 1024, 3, 1, 16, 32);

    public Argon2idParameters {
        requireRange("parallelism", parallelism, 1, 16);
        requireRange("memoryKiB", memoryKiB, 8 * parallelism, 1024 * 1024);
        requireRange("iterations", iterations, 1, 16);
        requireRange("saltBytes", saltBytes, 8, 64);
        requireRange("tagBytes", tagBytes, 16, 64);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("argon2id " + name + " must be in [" + min + ", " + max + "], was "
                    + value);
        }
    }

    /** Whether a hash made with {@code other} costs as much as one made with these parameters. */
    boolean sameCostAs(Argon2idParameters other) {
        return memoryKiB == other.memoryKiB && iterations == other.iterations && parallelism == other.parallelism
                && tagBytes == other.tagBytes && saltBytes == other.saltBytes;
    }
}

package org.telekiosk.broker.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.config.Lockouts;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.SqlAccess;

/**
 * Small Argon2id parameters for tests whose subject is not the hash's cost. A hash at {@link
 * Argon2idParameters#PRODUCTION} (64 MiB, 3 passes) costs about 0.2 s on a warm JVM and seconds in a fresh one on a
 * loaded machine; these cost microseconds. The production parameters stay tested where they are the subject
 * ({@code PasswordHasherTest}, {@code CreateAdminCommandTest}) and in every test that starts a real broker.
 */
public final class TestHashing {
    /** 64 KiB, 2 passes, 1 lane: the smallest cost {@link Argon2idParameters} accepts with room to spare. */
    public static final Argon2idParameters FAST = new Argon2idParameters(64, 2, 1, 16, 32);

    private TestHashing() {
    }

    /**
     * {@link AccessServices#open(SqlAccess, AccessConfig, Path, SecureRandom, Clock)} with {@link #FAST} password
     * hashes.
     */
    public static AccessServices open(SqlAccess sql, AccessConfig config, Path dataDir, SecureRandom random,
            Clock clock) throws IOException {
        return AccessServices.open(sql, config, Lockouts.DEFAULTS, FAST, dataDir, random, clock, kiosk -> true);
    }
}

package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;

/**
 * A login the failure throttle refuses is answered 429 without waiting for an Argon2id permit (issue 14, finding 5:
 * during a login storm, locked names and addresses must not queue for the hashes everyone else needs), and the answer
 * is the same for a known and an unknown name.
 */
class ThrottledLoginTest {
    static final ClientAddress GUESSER = ClientAddress.parse("198.51.100.7");

    @TempDir
    Path dir;

    @Test
    void aThrottledLoginIsAnswered429WhileEveryHashingPermitIsHeld() throws Exception {
        MutableClock clock = MutableClock.startingAt("2026-11-22T08:00:00Z");
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        AccessConfig config = new AccessConfig(Duration.ofHours(12), Duration.ofMinutes(30), Duration.ofHours(24),
                Duration.ofHours(24), Duration.ofSeconds(60), Duration.ofDays(90), Duration.ofDays(90),
                Duration.ofMinutes(1), 64, 2);
        AccessServices services = TestHashing.open(new SqlAccess(database), config, dir, new SecureRandom(), clock);
        var admin = ((AccountCreation.Created) services.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        services.accounts().createAccount(admin, LoginName.of("dr.weber"), DisplayName.of("Dr. Anna Weber"),
                Role.DOCTOR, Password.of("weber password 1"));
        for (int i = 0; i < 5; i++) {
            services.logins().login(LoginName.of("nobody"), Password.of("guess " + i), GUESSER);
        }
        // No wait for a permit: a login that would wait is answered 503 at once, so a wait cannot pass unseen.
        HashingLimit hashing = new HashingLimit(1, Duration.ZERO);
        var sessions = new SessionEndpoints(new Authenticator(services.logins(), List.of()), services.logins(),
                hashing, LoginRate.withDefaults(clock), clock);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The holder is let go before the executor's close waits for it, whether the assertions pass or not.
        try (var holder = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                var holding = holder.submit(() -> hashing.run(() -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
                held.await();

                ApiResponse known = answer(sessions, "dr.weber", GUESSER);
                ApiResponse unknown = answer(sessions, "nobody.else", GUESSER);
                ApiResponse free = answer(sessions, "dr.weber", ClientAddress.parse("192.0.2.10"));

                assertEquals(429, known.status());
                assertEquals("30", known.headers().get("Retry-After"));
                assertEquals(429, unknown.status(), "an unknown name is throttled the same way");
                assertEquals("30", unknown.headers().get("Retry-After"));
                assertEquals(new String(known.body(), StandardCharsets.UTF_8),
                        new String(unknown.body(), StandardCharsets.UTF_8));
                assertEquals(503, free.status(), "a login that may be checked needs the (held) permit");
                assertEquals(2, services.logins().refusedCount(LoginService.RefusalReason.THROTTLED));
                release.countDown();
                holding.get();
            } finally {
                release.countDown();
            }
        }
    }

    private static ApiResponse answer(SessionEndpoints sessions, String login, ClientAddress from) {
        ApiRequest request = new ApiRequest("POST", "/api/v1/session", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("application/json"),
                ("{\"login\":\"" + login + "\",\"password\":\"x\"}").getBytes(StandardCharsets.UTF_8), from);
        try {
            return sessions.login(request);
        } catch (EarlyAnswer early) {
            return early.response;
        }
    }
}

package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;
import org.telekiosk.broker.testing.PostgresSchema;

/**
 * The guessing limits across broker nodes (issue 17): two nodes' access services, each on its own connections to one
 * PostgreSQL schema (as TwoNodesIntegrationTest's nodes share it), one clock. Failures on either node count together,
 * so two nodes give a guesser no more guesses than one. Skipped when no PostgreSQL answers.
 */
class SharedGuessingLimitsTest {
    static final ClientAddress GUESSER = ClientAddress.parse("198.51.100.7");
    static final AccessConfig CONFIG = new AccessConfig(Duration.ofHours(12), Duration.ofMinutes(30),
            Duration.ofHours(24), Duration.ofHours(24), Duration.ofSeconds(60), Duration.ofDays(90),
            Duration.ofDays(90), Duration.ofMinutes(1), 64, 2);

    @TempDir
    Path dir;
    PostgresSchema schema;
    final MutableClock clock = MutableClock.startingAt("2026-12-05T08:00:00Z");
    AccessServices a;
    AccessServices b;

    @BeforeEach
    void twoNodes() throws Exception {
        schema = new PostgresSchema().create();
        // One data directory: the nodes share the join-code key, as docs/scale-out.md has the operator copy it.
        a = TestHashing.open(schema.migrated(), CONFIG, dir, new SecureRandom(), clock);
        b = TestHashing.open(new SqlAccess(StoreDatabase.of(schema.url(), PostgresSchema.USER, "")), CONFIG, dir,
                new SecureRandom(), clock);
    }

    @AfterEach
    void dropSchema() {
        schema.drop();
    }

    @Test
    void loginFailuresOnTwoNodesCountTogetherPerAddressAndPerName() {
        var admin = ((AccountCreation.Created) a.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
        a.accounts().createAccount(admin, LoginName.of("dr.weber"), DisplayName.of("Dr. Anna Weber"), Role.DOCTOR,
                Password.of("weber password 1"));
        AccessServices[] nodes = {a, b, a, b, a};
        for (int i = 0; i < nodes.length; i++) {
            assertInstanceOf(LoginResult.InvalidCredentials.class, nodes[i].logins().login(LoginName.of("dr.weber"),
                    Password.of("guess " + i), GUESSER), "guess " + i);
        }

        // The fifth failure (three on A, two on B) locks the address and the name on both nodes.
        assertEquals(new LoginResult.Throttled(Duration.ofSeconds(30)), b.logins().login(LoginName.of("nobody"),
                Password.of("guess"), GUESSER), "the address, on the node that saw two failures");
        assertEquals(new LoginResult.Throttled(Duration.ofSeconds(30)), b.logins().login(LoginName.of("dr.weber"),
                Password.of("weber password 1"), ClientAddress.parse("192.0.2.10")), "the name, from elsewhere");

        clock.advance(Duration.ofSeconds(31));
        assertInstanceOf(LoginResult.LoggedIn.class, b.logins().login(LoginName.of("dr.weber"),
                Password.of("weber password 1"), ClientAddress.parse("192.0.2.10")));
        // The success on B forgot the name's failures for A too: one more failure does not lock it again.
        assertInstanceOf(LoginResult.InvalidCredentials.class, a.logins().login(LoginName.of("dr.weber"),
                Password.of("typo"), ClientAddress.parse("192.0.2.10")));
        assertInstanceOf(LoginResult.LoggedIn.class, a.logins().login(LoginName.of("dr.weber"),
                Password.of("weber password 1"), ClientAddress.parse("192.0.2.10")));
    }

    @Test
    void wrongJoinCodesOnTwoNodesCountTogetherPerAddressAndSpareOtherAddresses() {
        for (int i = 0; i < 9; i++) {
            AccessServices node = i % 2 == 0 ? a : b;
            assertEquals(new Refusal.InvalidCode(), refusal(node.codes().redeem("ZZZ-ZZZ-ZZZ", GUESSER,
                    Optional.empty())), "wrong code " + i);
        }
        // The tenth wrong code (five on each node) locks the address on both.
        assertEquals(new Refusal.InvalidCode(), refusal(b.codes().redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty())));
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(30)),
                refusal(a.codes().redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty())));
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(30)),
                refusal(b.codes().redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty())));
        assertEquals(new Refusal.InvalidCode(), refusal(b.codes().redeem("ZZZ-ZZZ-ZZZ",
                ClientAddress.parse("192.0.2.77"), Optional.empty())), "another address is checked at once");
    }

    private static Refusal refusal(Outcome<?> outcome) {
        return assertInstanceOf(Outcome.Refused.class, outcome).refusal();
    }
}

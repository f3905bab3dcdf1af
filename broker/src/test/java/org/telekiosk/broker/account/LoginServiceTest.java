package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditEvent;

class LoginServiceTest {
    static final String PASSWORD = "lange genug 123";
    static final ClientAddress HOME = ClientAddress.parse("192.0.2.10");
    static final ClientAddress ATTACKER = ClientAddress.parse("198.51.100.66");

    final AccountTestKit kit = new AccountTestKit();
    final Account doctor = kit.create(kit.admin(), "dr.weber", Role.DOCTOR, PASSWORD);

    @Test
    void theRightPasswordGivesATokenThatAuthenticatesTheAccount() {
        var loggedIn = assertInstanceOf(LoginResult.LoggedIn.class, login("dr.weber", PASSWORD, HOME));
        assertEquals(doctor, loggedIn.account());
        var active = assertInstanceOf(SessionLookup.Active.class, kit.loginService.authenticate(loggedIn.token()));
        assertEquals(doctor, active.account());
    }

    @Test
    void aWrongPasswordAndAnUnknownLoginNameGetTheSameAnswer() {
        assertEquals(new LoginResult.InvalidCredentials(), login("dr.weber", "falsches passwort", HOME));
        assertEquals(new LoginResult.InvalidCredentials(), login("dr.nobody", PASSWORD, HOME));
    }

    @Test
    void loginNamesAreCaseInsensitive() {
        assertInstanceOf(LoginResult.LoggedIn.class, login(" Dr.Weber", PASSWORD, HOME));
    }

    @Test
    void fiveWrongPasswordsLockTheLoginNameEvenForTheRightPasswordFromAnotherAddress() {
        for (int i = 0; i < 5; i++) {
            login("dr.weber", "guess number " + i, ATTACKER);
        }
        assertEquals(new LoginResult.Throttled(Duration.ofSeconds(30)), login("dr.weber", PASSWORD, HOME));
        kit.clock.advance(Duration.ofSeconds(30));
        assertInstanceOf(LoginResult.LoggedIn.class, login("dr.weber", PASSWORD, HOME));
    }

    @Test
    void oneAddressTryingManyLoginNamesIsLockedOutByAddress() {
        for (int i = 0; i < 5; i++) {
            login("user" + i, "guess number " + i, ATTACKER);
        }
        var throttled = assertInstanceOf(LoginResult.Throttled.class, login("dr.weber", PASSWORD, ATTACKER));
        assertEquals(Duration.ofSeconds(30), throttled.retryAfter());
        assertInstanceOf(LoginResult.LoggedIn.class, login("dr.weber", PASSWORD, HOME), "other addresses go on");
    }

    @Test
    void theLockoutGrowsWithEachFailureAfterItEnds() {
        for (int i = 0; i < 5; i++) {
            login("dr.weber", "guess " + i, ATTACKER);
        }
        kit.clock.advance(Duration.ofSeconds(30));
        login("dr.weber", "guess 6", ATTACKER);
        assertEquals(new LoginResult.Throttled(Duration.ofMinutes(1)), login("dr.weber", PASSWORD, HOME));
    }

    @Test
    void aSuccessfulLoginClearsTheFailuresOfItsLoginNameButNotOfItsAddress() {
        ClientAddress office = ClientAddress.parse("192.0.2.20");
        for (int i = 0; i < 4; i++) {
            login("dr.weber", "typo " + i, HOME);
        }
        assertInstanceOf(LoginResult.LoggedIn.class, login("dr.weber", PASSWORD, HOME));
        login("dr.weber", "one more typo", office);
        assertInstanceOf(LoginResult.LoggedIn.class, login("dr.weber", PASSWORD, office),
                "the login name starts counting again after a success");
        login("dr.weber", "and another", HOME);
        assertInstanceOf(LoginResult.Throttled.class, login("dr.weber", PASSWORD, HOME),
                "an address does not clear its record by owning one account");
    }

    @Test
    void logoutRevokesTheTokenAndIsAudited() {
        var loggedIn = (LoginResult.LoggedIn) login("dr.weber", PASSWORD, HOME);
        assertTrue(kit.loginService.logout(loggedIn.token()));
        assertEquals(new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN),
                kit.loginService.authenticate(loggedIn.token()));
        assertFalse(kit.loginService.logout(loggedIn.token()));
        assertEquals(AuditAction.LOGOUT, kit.audit.events().getLast().action());
    }

    @Test
    void aHashMadeWithOlderParametersIsReplacedOnTheNextSuccessfulLogin() {
        AccountTestKit stronger = new AccountTestKit(new Argon2idParameters(128, 2, 1, 16, 32));
        String oldHash = kit.hasher.hash(Password.of(PASSWORD));
        Account account = new Account(AccountId.random(), LoginName.of("dr.alt"), DisplayName.of("Dr. Alt"),
                Role.DOCTOR);
        stronger.accounts.insert(new StoredAccount(account, oldHash));
        assertInstanceOf(LoginResult.LoggedIn.class,
                stronger.loginService.login(LoginName.of("dr.alt"), Password.of(PASSWORD), HOME));
        String newHash = stronger.accounts.findById(account.id()).orElseThrow().passwordHash();
        assertTrue(newHash.startsWith("$argon2id$v=19$m=128,t=2,p=1$"), newHash);
    }

    @Test
    void loginsFailuresAndLockoutsAreAuditedWithoutThePassword() {
        for (int i = 0; i < 5; i++) {
            login("dr.weber", "geheim-" + i, ATTACKER);
        }
        login("dr.weber", PASSWORD, ATTACKER);
        kit.clock.advance(Duration.ofMinutes(1));
        login("dr.weber", PASSWORD, HOME);
        List<AuditAction> actions = kit.audit.events().stream().map(AuditEvent::action)
                .filter(a -> a.name().startsWith("LOGIN")).toList();
        assertEquals(List.of(AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED,
                AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED, AuditAction.LOGIN_THROTTLED, AuditAction.LOGIN),
                actions);
        AuditEvent firstFailure = kit.audit.events().stream()
                .filter(e -> e.action() == AuditAction.LOGIN_FAILED).findFirst().orElseThrow();
        assertEquals("client:198.51.100.66", firstFailure.actor().value());
        assertEquals("login:dr.weber", firstFailure.subject());
        for (AuditEvent event : kit.audit.events()) {
            assertFalse(event.toString().contains("geheim") || event.toString().contains(PASSWORD), event.toString());
        }
    }

    private LoginResult login(String name, String password, ClientAddress from) {
        return kit.loginService.login(LoginName.of(name), Password.of(password), from);
    }
}

package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    static final LoginName LOGIN = LoginName.of("dr.weber");
    final PasswordPolicy policy = PasswordPolicy.DEFAULT;

    @Test
    void twelveCharactersAreEnoughAndElevenAreNotWithAMessageThatSaysSo() {
        assertEquals(List.of(), policy.check(LOGIN, Password.of("abcdefghijkl")));
        List<PasswordProblem> problems = policy.check(LOGIN, Password.of("abcdefghijk"));
        assertEquals(1, problems.size());
        assertEquals(PasswordProblem.Kind.TOO_SHORT, problems.getFirst().kind());
        assertEquals("The password must be at least 12 characters long; it has 11.", problems.getFirst().message());
    }

    @Test
    void lengthCountsCharactersNotBytes() {
        assertEquals(List.of(), policy.check(LOGIN, Password.of("\u00e4\u00f6\u00fc\u00e4\u00f6\u00fc\u00e4\u00f6\u00fc\u00e4\u00f6\u00fc")));
        assertEquals(PasswordProblem.Kind.TOO_SHORT,
                policy.check(LOGIN, Password.of("\uD83D\uDE00".repeat(11))).getFirst().kind());
    }

    @Test
    void theLoginNameIsRefusedAsPasswordWhateverItsCase() {
        LoginName longName = LoginName.of("anna.weber.praxis");
        List<PasswordProblem> problems = policy.check(longName, Password.of("Anna.Weber.Praxis"));
        assertEquals(List.of(new PasswordProblem(PasswordProblem.Kind.SAME_AS_LOGIN_NAME,
                "The password must not be the login name.")), problems);
    }

    @Test
    void aPasswordCanBreakSeveralRulesAtOnce() {
        List<PasswordProblem> problems = policy.check(LoginName.of("abc"), Password.of("ABC"));
        assertEquals(List.of(PasswordProblem.Kind.TOO_SHORT, PasswordProblem.Kind.SAME_AS_LOGIN_NAME),
                problems.stream().map(PasswordProblem::kind).toList());
    }

    @Test
    void overlyLongPasswordsAreRefusedSoTheyCannotBurnHashingTime() {
        assertEquals(PasswordProblem.Kind.TOO_LONG, policy.check(LOGIN, Password.of("x".repeat(257))).getFirst().kind());
    }

    @Test
    void aPolicyBelowTwelveCharactersCannotBeConfigured() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PasswordPolicy(8, 256));
        assertTrue(e.getMessage().contains("at least 12"), e.getMessage());
    }
}

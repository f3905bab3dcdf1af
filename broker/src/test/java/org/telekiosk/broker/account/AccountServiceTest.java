package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.AuditAction;

class AccountServiceTest {
    final AccountTestKit kit = new AccountTestKit();

    @Test
    void theFirstAdminCanBeCreatedOnlyOnce() {
        var created = assertInstanceOf(AccountCreation.Created.class, kit.accountService.createFirstAdmin(
                LoginName.of("admin"), DisplayName.of("Admin"), Password.of("admin password 1")));
        assertEquals(Role.ADMIN, created.account().role());
        assertEquals(new AccountCreation.NotAllowed("an admin account exists already"),
                kit.accountService.createFirstAdmin(LoginName.of("admin2"), DisplayName.of("Second"),
                        Password.of("admin password 2")));
        assertEquals(AuditAction.FIRST_ADMIN_CREATED, kit.audit.events().getLast().action());
    }

    @Test
    void theFirstAdminMustHaveAGoodPasswordToo() {
        var weak = assertInstanceOf(AccountCreation.WeakPassword.class, kit.accountService.createFirstAdmin(
                LoginName.of("admin"), DisplayName.of("Admin"), Password.of("admin")));
        assertEquals(List.of(PasswordProblem.Kind.TOO_SHORT, PasswordProblem.Kind.SAME_AS_LOGIN_NAME),
                weak.problems().stream().map(PasswordProblem::kind).toList());
        assertInstanceOf(AccountCreation.Created.class, kit.accountService.createFirstAdmin(
                LoginName.of("admin"), DisplayName.of("Admin"), Password.of("a much better one")));
    }

    @Test
    void onlyAnAdminCreatesAccountsAndLoginNamesAreUnique() {
        Account admin = kit.admin();
        Account doctor = kit.create(admin, "dr.weber", Role.DOCTOR, "lange genug 123");
        assertEquals(new AccountCreation.NotAllowed("only an admin may create accounts"),
                kit.accountService.createAccount(doctor, LoginName.of("dr.other"), DisplayName.of("Other"),
                        Role.DOCTOR, Password.of("lange genug 456")));
        assertEquals(new AccountCreation.LoginNameTaken(), kit.accountService.createAccount(admin,
                LoginName.of("DR.WEBER"), DisplayName.of("Again"), Role.TECHNICIAN, Password.of("lange genug 789")));
        assertEquals(doctor, kit.accountService.find(doctor.id()).orElseThrow());
    }
}

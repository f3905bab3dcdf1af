package org.telekiosk.broker.api;

import static org.telekiosk.broker.api.Requests.json;
import static org.telekiosk.broker.api.Requests.parse;
import static org.telekiosk.broker.api.Requests.required;
import static org.telekiosk.broker.api.Requests.requireJson;

import java.util.Locale;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordProblem;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.api.ApiMessages.AccountList;
import org.telekiosk.broker.api.ApiMessages.AccountView;
import org.telekiosk.broker.api.ApiMessages.CreateAccount;

/** The admin's account endpoints of {@code docs/api.md}: {@code POST} and {@code GET /api/v1/accounts}. */
final class AccountEndpoints {
    private final Authenticator auth;
    private final AccountService accounts;
    private final HashingLimit hashing;

    AccountEndpoints(Authenticator auth, AccountService accounts, HashingLimit hashing) {
        this.auth = auth;
        this.accounts = accounts;
        this.hashing = hashing;
    }

    ApiResponse create(ApiRequest r) {
        Account admin = auth.requireRole(r, true, Role.ADMIN);
        CreateAccount body = ApiJson.read(requireJson(r), CreateAccount.class);
        LoginName login = parse("login", () -> LoginName.of(required("login", body.login())));
        DisplayName name = parse("displayName", () -> DisplayName.of(required("displayName", body.displayName())));
        Role role = parse("role", () -> Role.valueOf(required("role", body.role()).toUpperCase(Locale.ROOT)));
        Password password = Password.of(required("password", body.password()));
        AccountCreation created = hashing.run(() -> accounts.createAccount(admin, login, name, role, password));
        return switch (created) {
            case AccountCreation.Created c -> json(201, AccountView.of(c.account()));
            case AccountCreation.WeakPassword weak -> Problems.of(400, "the password is not acceptable",
                    "weak-password", weak.problems().stream().map(PasswordProblem::message).toList());
            case AccountCreation.LoginNameTaken x -> Problems.of(409, "the login name '" + login + "' is taken",
                    "login-name-taken");
            case AccountCreation.NotAllowed no -> Problems.of(403, no.reason(), "forbidden");
        };
    }

    ApiResponse list(ApiRequest r) {
        Account admin = auth.requireRole(r, false, Role.ADMIN);
        return json(200, new AccountList(accounts.list(admin).orElseThrow().stream().map(AccountView::of).toList()));
    }
}

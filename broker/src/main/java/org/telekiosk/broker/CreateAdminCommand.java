package org.telekiosk.broker;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.AccountService;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordHasher;
import org.telekiosk.broker.account.PasswordPolicy;
import org.telekiosk.broker.account.PasswordProblem;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.ServerOptions;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code telekiosk-broker create-admin --login NAME --name "Display Name"}: creates the first admin account in the
 * broker's database, only while no admin exists (so that nobody with shell access to a running site can take it over
 * this way; further accounts are created by an admin through the API). The password is read from the console without
 * echo, asked twice, or else as the first line of standard input; never from the command line, where other users
 * and the shell history would see it. Prints one line: what was created, or why not.
 */
@Command(name = "create-admin", mixinStandardHelpOptions = true,
        description = "Create the first admin account (only while none exists). The password is read from the"
                + " console, or from the first line of standard input.")
public final class CreateAdminCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ServerOptions options = new ServerOptions();

    @Option(names = "--login", required = true, description = "the admin's login name, e.g. admin")
    String login;

    @Option(names = "--name", required = true, description = "the admin's display name, e.g. \"IT Admin\"")
    String name;

    @Spec
    CommandSpec spec;

    private final InputStream stdin;
    private final Console console;
    private final Map<String, String> environment;

    /** For the command line: the process's console, standard input and environment. */
    public CreateAdminCommand() {
        this(System.in, System.console(), System.getenv());
    }

    /** @param console the console to ask for the password, or null to read standard input */
    CreateAdminCommand(InputStream stdin, Console console, Map<String, String> environment) {
        this.stdin = stdin;
        this.console = console;
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoginName loginName;
        DisplayName displayName;
        try {
            loginName = LoginName.of(login);
            displayName = DisplayName.of(name);
        } catch (IllegalArgumentException e) {
            err.println("Refused: " + e.getMessage() + ".");
            return ExitCodes.USAGE;
        }
        Password password;
        try {
            password = readPassword();
        } catch (IllegalArgumentException e) {
            err.println("Refused: " + e.getMessage() + ".");
            return ExitCodes.USAGE;
        }
        BrokerConfig config = options.load(Map.of());
        SecureFiles.ownerOnlyDirectory(config.dataDir().toAbsolutePath());
        StoreDatabase database = StoreDatabase.configured(config.storeUrl(), config.storeUser(),
                config.defaultStoreFile(), environment);
        database.migrate();
        SqlAccess sql = new SqlAccess(database);
        AccountService accounts = new AccountService(new SqlAccountRepository(sql),
                new PasswordHasher(Argon2idParameters.PRODUCTION, new SecureRandom()), PasswordPolicy.DEFAULT,
                new SqlAuditLog(sql), Clock.systemUTC());
        return switch (accounts.createFirstAdmin(loginName, displayName, password)) {
            case AccountCreation.Created created -> {
                out.println("Created admin account '" + created.account().loginName() + "' ("
                        + created.account().displayName() + ") in " + database + ".");
                yield 0;
            }
            case AccountCreation.NotAllowed no -> {
                err.println("Refused: " + no.reason() + "; an admin creates further accounts with POST"
                        + " /api/v1/accounts.");
                yield 1;
            }
            case AccountCreation.WeakPassword weak -> {
                err.println("Refused: " + weak.problems().stream().map(PasswordProblem::message)
                        .collect(Collectors.joining(" ")));
                yield 1;
            }
            case AccountCreation.LoginNameTaken taken -> {
                err.println("Refused: the login name '" + loginName + "' is taken.");
                yield 1;
            }
        };
    }

    private Password readPassword() throws IOException {
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", login);
            char[] second = console.readPassword("The same password again: ");
            try {
                if (first == null || second == null) {
                    throw new IllegalArgumentException("no password was entered");
                }
                if (!Arrays.equals(first, second)) {
                    throw new IllegalArgumentException("the two passwords differ");
                }
                return Password.of(new String(first));
            } finally {
                if (first != null) {
                    Arrays.fill(first, '\0');
                }
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
            }
        }
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input (give it as the first line)");
        }
        return Password.of(line);
    }
}

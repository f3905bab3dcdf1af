package org.telekiosk.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordHasher;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import picocli.CommandLine;

/** {@code create-admin} against the broker's real SQLite database in a temporary data directory. */
class CreateAdminCommandTest {
    @TempDir
    Path data;

    record Run(int exitCode, String out, String err) {}

    Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new CreateAdminCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null, Map.of()));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = data.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new Run(command.execute(all), out.toString(), err.toString());
    }

    StoredAccount stored(String login) {
        StoreDatabase database = StoreDatabase.sqlite(data.resolve("store").resolve("telekiosk.db"));
        return new SqlAccountRepository(new SqlAccess(database)).findByLoginName(LoginName.of(login)).orElseThrow();
    }

    @Test
    void theFirstAdminIsCreatedWithThePasswordFromStandardInputAndOneLineSaysSo() {
        Run run = run("correct horse battery\n", "--login", "Admin", "--name", "IT Admin");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("Created admin account 'admin' (IT Admin)"), run.out());
        assertFalse(run.out().contains("horse"));
        StoredAccount admin = stored("admin");
        assertEquals(Role.ADMIN, admin.account().role());
        assertTrue(new PasswordHasher(Argon2idParameters.PRODUCTION, new SecureRandom())
                .verify(Password.of("correct horse battery"), admin.passwordHash()));
    }

    @Test
    void aSecondAdminIsRefusedInOneLineAndTheFirstStaysUntouched() {
        run("correct horse battery\n", "--login", "admin", "--name", "IT Admin");
        String firstHash = stored("admin").passwordHash();

        Run again = run("another long password\n", "--login", "root", "--name", "Root");

        assertEquals(1, again.exitCode());
        assertEquals("Refused: an admin account exists already; an admin creates further accounts with POST"
                + " /api/v1/accounts.", again.err().strip());
        assertEquals(firstHash, stored("admin").passwordHash());
    }

    @Test
    void aWeakPasswordAMissingPasswordAndABadLoginNameAreRefusedWithTheReason() {
        Run weak = run("short\n", "--login", "admin", "--name", "IT Admin");
        Run none = run("", "--login", "admin", "--name", "IT Admin");
        Run badName = run("correct horse battery\n", "--login", "a", "--name", "IT Admin");

        assertEquals(1, weak.exitCode());
        assertTrue(weak.err().startsWith("Refused: The password must be at least 12 characters"), weak.err());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("no password on standard input"), none.err());
        assertEquals(2, badName.exitCode());
        assertTrue(badName.err().startsWith("Refused: login name must be 3-64"), badName.err());
    }

    @Test
    void thePasswordCannotBeGivenOnTheCommandLine() {
        Run run = run("", "--login", "admin", "--name", "IT Admin", "--password", "correct horse battery");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unknown options: '--password'"), "out: " + run.out() + " err: " + run.err());
    }
}

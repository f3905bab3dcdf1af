package org.telekiosk.broker.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Properties;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.server.AccessServices;

/**
 * The demo's staff accounts, so that a newcomer can try the doctor console and the technician page at once: an admin
 * ({@value #ADMIN}), a doctor ({@value #DOCTOR}) and a technician ({@value #TECHNICIAN}), each with a generated
 * password. The passwords are kept in {@value #FILE} (0600) in the demo's data directory, so a second run shows the
 * same ones; the demo prints them on its console (never in the log). Only the demo does this: a real broker starts
 * with {@code create-admin}.
 */
final class DemoAccounts {
    static final String FILE = "demo-accounts.properties";
    static final String ADMIN = "demo-admin";
    static final String DOCTOR = "demo-doctor";
    static final String TECHNICIAN = "demo-technician";
    private static final ClientAddress LOCAL = ClientAddress.parse("127.0.0.1");
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

    /** A login and its password, as printed for the person trying the demo. */
    record Login(String login, String password) {}

    /**
     * The doctor's and the technician's logins; empty when an admin other than the demo's exists (someone ran
     * {@code create-admin} on this data directory), in which case the demo creates no accounts.
     */
    record Logins(Login doctor, Login technician) {}

    private DemoAccounts() {}

    /** Creates the accounts that are missing. Blocking (Argon2id, database). */
    static Optional<Logins> ensure(AccessServices access, Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(FILE);
        Properties passwords = new Properties();
        if (Files.exists(file)) {
            SecureFiles.requireOwnerOnly(file);
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                passwords.load(in);
            }
        }
        for (String login : new String[] {ADMIN, DOCTOR, TECHNICIAN}) {
            if (passwords.getProperty(login, "").isEmpty()) {
                passwords.setProperty(login, generate(random));
            }
        }
        StringWriter text = new StringWriter();
        passwords.store(text, "Telekiosk demo accounts (demo only; a real broker starts with create-admin)");
        SecureFiles.writeSecret(file, text.toString().getBytes(StandardCharsets.UTF_8));

        Optional<Account> admin = admin(access, passwords.getProperty(ADMIN));
        if (admin.isEmpty()) {
            return Optional.empty();
        }
        create(access, admin.get(), DOCTOR, "Dr. Demo", Role.DOCTOR, passwords);
        create(access, admin.get(), TECHNICIAN, "Demo Technik", Role.TECHNICIAN, passwords);
        return Optional.of(new Logins(new Login(DOCTOR, passwords.getProperty(DOCTOR)),
                new Login(TECHNICIAN, passwords.getProperty(TECHNICIAN))));
    }

    private static Optional<Account> admin(AccessServices access, String password) {
        AccountCreation created = access.accounts().createFirstAdmin(LoginName.of(ADMIN), DisplayName.of("Demo Admin"),
                Password.of(password));
        if (created instanceof AccountCreation.Created done) {
            return Optional.of(done.account());
        }
        // An admin exists: the demo's own from an earlier run, or someone else's.
        return access.logins().login(LoginName.of(ADMIN), Password.of(password), LOCAL) instanceof LoginResult.LoggedIn in
                ? Optional.of(in.account()) : Optional.empty();
    }

    private static void create(AccessServices access, Account admin, String login, String name, Role role,
            Properties passwords) {
        AccountCreation created = access.accounts().createAccount(admin, LoginName.of(login), DisplayName.of(name),
                role, Password.of(passwords.getProperty(login)));
        if (created instanceof AccountCreation.WeakPassword || created instanceof AccountCreation.NotAllowed) {
            throw new IllegalStateException("the demo account " + login + " could not be created: " + created);
        }
        // Created, or LoginNameTaken from an earlier run: either way the account is there.
    }

    /** 20 characters from an alphabet without look-alikes (about 99 bits). */
    private static String generate(SecureRandom random) {
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(password);
    }
}

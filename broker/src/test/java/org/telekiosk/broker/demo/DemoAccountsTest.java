package org.telekiosk.broker.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;

class DemoAccountsTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private static LoginResult login(AccessServices access, DemoAccounts.Login login) {
        return access.logins().login(LoginName.of(login.login()), Password.of(login.password()),
                ClientAddress.parse("127.0.0.1"));
    }

    @Test
    void theDemoMakesADoctorAndATechnicianWhoCanLogInAndShowsTheSameOnesOnTheNextRun() throws Exception {
        AccessServices access = BROKER.broker().access();
        Path data = BROKER.dataDir();

        DemoAccounts.Logins first = DemoAccounts.ensure(access, data, new SecureRandom()).orElseThrow();
        DemoAccounts.Logins second = DemoAccounts.ensure(access, data, new SecureRandom()).orElseThrow();

        assertEquals(first, second, "a second run shows the same logins");
        LoginResult doctor = login(access, first.doctor());
        assertEquals(Role.DOCTOR, assertInstanceOf(LoginResult.LoggedIn.class, doctor).account().role());
        LoginResult technician = login(access, first.technician());
        assertEquals(Role.TECHNICIAN, assertInstanceOf(LoginResult.LoggedIn.class, technician).account().role());
        Path file = data.resolve(DemoAccounts.FILE);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(first.doctor().password().length() >= 20);

        String banner = DemoCommand.banner(java.time.Duration.ofMillis(1234), BROKER.broker(), Optional.of(first));
        assertTrue(banner.contains("/doctor.html") && banner.contains(first.doctor().password())
                && banner.contains("/kiosk.html") && banner.contains("/technician.html"), banner);
    }

    @Test
    void aDataDirectoryWhoseAdminIsNotTheDemosGetsNoDemoAccounts(@org.junit.jupiter.api.io.TempDir Path other)
            throws Exception {
        AccessServices access = BROKER.broker().access();
        // The broker's admin exists from the other test or is made here; this directory's password file is new,
        // so the demo's admin login fails as it would against someone else's admin.
        DemoAccounts.ensure(access, BROKER.dataDir(), new SecureRandom());
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));

        assertEquals(Optional.empty(), DemoAccounts.ensure(access, other, new SecureRandom()));

        String banner = DemoCommand.banner(java.time.Duration.ofMillis(1), BROKER.broker(), Optional.empty());
        assertTrue(banner.contains("made no accounts"), banner);
    }
}

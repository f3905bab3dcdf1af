package org.telekiosk.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.testing.RequiredPrograms.Check;
import org.telekiosk.broker.testing.RequiredPrograms.Check.Needed;

/** A test class whose program is missing fails at once with one line naming the path and the Debian package. */
class RequiredProgramsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingProgramFailsWithItsPathAndTheAptGetLineThatInstallsIt() {
        Path chromedriver = dir.resolve("chromedriver");
        AssertionError e = assertThrows(AssertionError.class,
                () -> Check.require(List.of(new Needed(chromedriver, "chromium-driver"))));
        assertEquals("needs " + chromedriver + ": apt-get install chromium-driver", e.getMessage());
    }

    @Test
    void severalMissingProgramsAreNamedInOneLineAndPresentOnesAreLeftOut() {
        Path chromium = dir.resolve("chromium");
        Path chromedriver = dir.resolve("chromedriver");
        AssertionError e = assertThrows(AssertionError.class, () -> Check.require(List.of(
                new Needed(chromium, "chromium"), new Needed(Path.of("/bin/sh"), "dash"),
                new Needed(chromedriver, "chromium-driver"))));
        assertEquals("needs " + chromium + ", " + chromedriver + ": apt-get install chromium chromium-driver",
                e.getMessage());
    }

    @Test
    void aFileThatIsNotExecutableCountsAsMissing() throws Exception {
        Path script = java.nio.file.Files.writeString(dir.resolve("turnserver"), "#!/bin/sh\n");
        AssertionError e = assertThrows(AssertionError.class,
                () -> Check.require(List.of(new Needed(script, "coturn"))));
        assertEquals("needs " + script + ": apt-get install coturn", e.getMessage());
    }

    @Test
    void installedProgramsPass() {
        Check.require(List.of(new Needed(Path.of("/bin/sh"), "dash")));
    }

    @Test
    void eachProgramNamesTheDebianPackageThatInstallsIt() {
        assertEquals("chromium-driver", RequiredPrograms.Program.CHROMEDRIVER.debianPackage());
        assertEquals(Path.of("/usr/bin/chromedriver"), RequiredPrograms.Program.CHROMEDRIVER.path());
        assertEquals("coturn", RequiredPrograms.Program.TURNSERVER.debianPackage());
        assertEquals("mosquitto", RequiredPrograms.Program.MOSQUITTO.debianPackage());
        assertEquals("chromium", RequiredPrograms.Program.CHROMIUM.debianPackage());
    }
}

package org.telekiosk.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.RefusalReason;

/** Each bad input of the issue, on real packages built with dpkg-deb: refused with its reason. */
class PackageCheckTest {
    private static final DebianVersion RUNNING = DebianVersion.of("0.2.0");

    @TempDir
    Path dir;
    TestPackages packages;
    PackageCheck check;

    @BeforeEach
    void setUp() throws Exception {
        packages = new TestPackages(dir);
        check = new PackageCheck(packages.key(), "arm64");
    }

    private PackageCheck.Result check(byte[] content, long size, byte[] signature) {
        return check.check(content, size, signature, RUNNING);
    }

    @Test
    void aNewerSignedPackageOfTheAgentForThisArchitectureIsVerified() throws Exception {
        for (String arch : new String[] {"all", "arm64"}) {
            byte[] deb = Files.readAllBytes(packages.agent("0.3.0", arch));

            PackageCheck.Result result = check(deb, deb.length, packages.sign(deb));

            PackageCheck.Result.Verified verified = assertInstanceOf(PackageCheck.Result.Verified.class, result);
            assertEquals(DebianVersion.of("0.3.0"), verified.control().version());
        }
    }

    @Test
    void aWrongSignatureIsRefused() throws Exception {
        byte[] deb = Files.readAllBytes(packages.agent("0.3.0", "all"));
        byte[] otherKeys = new TestPackages(dir).sign(deb);
        byte[] flipped = packages.sign(deb);
        flipped[10] ^= 1;

        assertRefused(RefusalReason.SIGNATURE, check(deb, deb.length, otherKeys));
        assertRefused(RefusalReason.SIGNATURE, check(deb, deb.length, flipped));
        assertRefused(RefusalReason.SIGNATURE, check(deb, deb.length, new byte[0]));
    }

    @Test
    void aPackageChangedAfterSigningIsRefused() throws Exception {
        byte[] deb = Files.readAllBytes(packages.agent("0.3.0", "all"));
        byte[] signature = packages.sign(deb);
        deb[deb.length - 100] ^= 1;

        assertRefused(RefusalReason.SIGNATURE, check(deb, deb.length, signature));
    }

    @Test
    void aTruncatedDownloadIsRefused() throws Exception {
        byte[] deb = Files.readAllBytes(packages.agent("0.3.0", "all"));
        byte[] cut = Arrays.copyOf(deb, deb.length - 1);

        PackageCheck.Result result = check(cut, deb.length, packages.sign(deb));

        assertRefused(RefusalReason.TRUNCATED, result);
        assertTrue(((PackageCheck.Result.Refused) result).detail().contains((deb.length - 1) + " of " + deb.length));
        // A file signed whole but offered with a longer size is refused just the same.
        assertRefused(RefusalReason.TRUNCATED, check(deb, deb.length + 1L, packages.sign(deb)));
    }

    @Test
    void anOlderOrTheSameVersionIsRefused() throws Exception {
        for (String version : new String[] {"0.1.9", "0.2.0", "0.2.0~rc1"}) {
            byte[] deb = Files.readAllBytes(packages.agent(version, "all"));

            assertRefused(RefusalReason.OLDER, check(deb, deb.length, packages.sign(deb)));
        }
    }

    @Test
    void aPackageForAnotherArchitectureIsRefused() throws Exception {
        byte[] deb = Files.readAllBytes(packages.agent("0.3.0", "amd64"));

        PackageCheck.Result result = check(deb, deb.length, packages.sign(deb));

        assertRefused(RefusalReason.ARCHITECTURE, result);
        assertTrue(((PackageCheck.Result.Refused) result).detail().contains("amd64"));
    }

    @Test
    void anotherPackageOrNoPackageIsRefusedEvenWhenSigned() throws Exception {
        byte[] other = Files.readAllBytes(packages.build("telekiosk-broker", "0.3.0", "all", false));
        byte[] text = "#!/bin/sh\nrm -rf /\n".getBytes();

        assertRefused(RefusalReason.NOT_THE_AGENT, check(other, other.length, packages.sign(other)));
        assertRefused(RefusalReason.NOT_THE_AGENT, check(text, text.length, packages.sign(text)));
    }

    private static void assertRefused(RefusalReason reason, PackageCheck.Result result) {
        PackageCheck.Result.Refused refused = assertInstanceOf(PackageCheck.Result.Refused.class, result);
        assertEquals(reason, refused.reason(), refused.detail());
    }
}

package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentToken;

/** {@code edge-agent enroll} against the real broker: success, running it twice, an impostor, a used token. */
class EnrollmentSystemTest {
    /**
     * A broker of its own, although enrollment is REST only: no other class of this module shares one, so sharing
     * would save nothing ({@link BrokerExtension#shared()}).
     */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int enroll(String token) throws Exception {
        return new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(KioskProvisioning.brokerUrl(BROKER), token, dir);
    }

    String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    static String token(String kiosk) {
        return BROKER.broker().enrollment().createToken(KioskId.of(kiosk), "Lab " + kiosk, AuditActor.system())
                .line();
    }

    static boolean brokerHeardOf(String kiosk, AuditAction action) {
        return BROKER.broker().audit().since(Instant.EPOCH).stream()
                .anyMatch(e -> e.action() == action && e.subject().equals("kiosk:" + kiosk));
    }

    @Test
    void enrollmentStoresKeyCertificateCaAndConfigurationOwnerOnlyAndSaysWhatItDid() throws Exception {
        assertEquals(Enroller.OK, enroll(token("sys-enroll-a")), output());
        for (String file : new String[] {"kiosk.key", "kiosk.crt", "ca.pem", "agent.properties"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))),
                    file);
        }
        assertTrue(Files.readString(dir.resolve("kiosk.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        AgentConfig config = AgentConfigLoader.load(dir.resolve("agent.properties"));
        assertEquals(KioskId.of("sys-enroll-a"), config.kioskId());
        assertEquals(BROKER.broker().mqttPort(), config.mqttUri().getPort());
        assertTrue(config.renewalUrl().toString().endsWith("/api/v1/renew"));
        assertTrue(output().contains("Enrolled kiosk 'sys-enroll-a'") && output().contains("never sent"), output());
        assertTrue(brokerHeardOf("sys-enroll-a", AuditAction.KIOSK_ENROLLED));
    }

    @Test
    void runningEnrollTwiceChangesNothingAndLeavesTheSecondTokenUnused() throws Exception {
        assertEquals(Enroller.OK, enroll(token("sys-enroll-b")), output());
        String certificate = Files.readString(dir.resolve("kiosk.crt"));
        String second = token("sys-enroll-b");
        assertEquals(Enroller.OK, enroll(second), output());
        assertTrue(output().contains("Already enrolled as kiosk 'sys-enroll-b'") && output().contains("Nothing was sent"),
                output());
        assertEquals(certificate, Files.readString(dir.resolve("kiosk.crt")));
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(EnrollmentToken.parse(second).secret()));
        assertEquals(null, BROKER.broker().kiosks().token(hash).orElseThrow().usedAt());
    }

    @Test
    void aTokenWhosePinDoesNotMatchTheBrokersCaIsRefusedBeforeAnythingIsSent() throws Exception {
        EnrollmentToken real = EnrollmentToken.parse(token("sys-enroll-c"));
        byte[] otherPin = real.caPin();
        otherPin[5] ^= 0x40;
        String tampered = EnrollmentToken.of(real.kiosk(), real.secret(), otherPin).line();
        assertEquals(Enroller.REFUSED, enroll(tampered));
        assertTrue(output().contains("is not the broker this token was made for") && output().contains("Nothing was "
                + "sent"), output());
        assertFalse(Files.exists(dir.resolve("kiosk.key")), "no key is stored for a refused enrollment");
        assertFalse(brokerHeardOf("sys-enroll-c", AuditAction.ENROLLMENT_REFUSED),
                "the broker never saw a request: the TLS handshake failed first");
    }

    @Test
    void aUsedTokenIsRefusedWithTheBrokersExplanation() throws Exception {
        String token = token("sys-enroll-d");
        assertEquals(Enroller.OK, enroll(token), output());
        Files.delete(dir.resolve("kiosk.crt"));
        assertEquals(Enroller.REFUSED, enroll(token));
        assertTrue(output().contains("Refused by the broker (409): Enrollment token already used"), output());
    }

    @Test
    void aGarbledTokenIsRefusedWithTheExpectedShape() throws Exception {
        assertEquals(Enroller.USAGE, enroll("tk1.sys-enroll-e." + Base64.getEncoder().encodeToString(new byte[5])));
        assertTrue(output().contains("tk1.<kiosk id>"), output());
    }
}

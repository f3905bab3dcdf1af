package org.telekiosk.broker.kiosk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.TestRegistry;
import org.telekiosk.protocol.KioskId;

/** Which revoked kiosks {@link Revocations#publish} asks the MQTT broker to drop, and how often. */
class RevocationsTest {
    @TempDir
    Path dir;

    final Instant now = Instant.parse("2026-12-05T12:00:00Z");
    final List<String> dropped = new ArrayList<>();
    KioskRegistry registry;
    Revocations revocations;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
        SecureRandom random = new SecureRandom();
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        registry = TestRegistry.open(dir);
        revocations = new Revocations(registry, pki.issuing(), pki.crlFile(), clock, k -> dropped.add(k.value()));
    }

    @Test
    void eachRevokedKioskIsDroppedOnceNotAtEveryChangeOfTheRegistry() {
        for (int i = 1; i <= 3; i++) {
            enroll("kiosk-" + i, "0" + i);
        }
        revoke("kiosk-1");
        revoke("kiosk-2");
        revocations.publish();
        assertEquals(List.of("kiosk-1", "kiosk-2"), dropped.stream().sorted().toList(), "the first publish");

        dropped.clear();
        enroll("kiosk-4", "04"); // any other change of the registry
        revocations.publish();
        revocations.publish();
        assertEquals(List.of(), dropped, "kiosks revoked before were asked about again");

        revoke("kiosk-3");
        revocations.publish();
        assertEquals(List.of("kiosk-3"), dropped, "only the kiosk revoked since");
    }

    @Test
    void aKioskEnrolledAgainAndRevokedAgainIsDroppedAgain() {
        enroll("kiosk-1", "01");
        revoke("kiosk-1");
        revocations.publish();
        enroll("kiosk-1", "0a"); // enrolled again: a new certificate, no longer revoked
        revocations.publish();
        revoke("kiosk-1");
        revocations.publish();
        assertEquals(List.of("kiosk-1", "kiosk-1"), dropped);
    }

    @Test
    void aFreshNodeDropsEveryRevokedKioskAtItsFirstPublish() throws Exception {
        enroll("kiosk-1", "01");
        revoke("kiosk-1");
        revocations.publish();
        List<String> second = new ArrayList<>();
        Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
        SecureRandom random = new SecureRandom();
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        new Revocations(registry, pki.issuing(), dir.resolve("crl-2.pem"), clock, k -> second.add(k.value()))
                .publish();
        assertEquals(List.of("kiosk-1"), second, "a restarted node must drop sessions its MQTT broker kept");
    }

    private void enroll(String id, String serial) {
        registry.change(now, c -> c.putKiosk(new KioskRecord(id, "label " + id, serial,
                now.plus(Duration.ofDays(30)), null)));
    }

    private void revoke(String id) {
        registry.change(now, c -> EnrollmentService.revoked(c, KioskId.of(id), now));
    }
}

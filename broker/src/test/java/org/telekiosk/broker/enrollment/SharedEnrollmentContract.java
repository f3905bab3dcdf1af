package org.telekiosk.broker.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.RevokedSerial;
import org.telekiosk.broker.kiosk.TokenRecord;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.request.Refusal.Kind;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.CountingConnections;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;

/**
 * Enrollment and the registry's row-by-row changes as several broker nodes share them, each "node" an
 * {@link EnrollmentService} over its own {@link KioskRegistry} on its own connections to the same database: a token is
 * redeemed once whatever the race, an enrollment touches the same few rows whatever the size of the fleet, and a
 * change a node of an earlier version wrote without stamps is still seen. Run on SQLite and on the local PostgreSQL
 * (a fresh schema per test).
 */
abstract class SharedEnrollmentContract {
    static final AuditActor TECHNICIAN = new AuditActor("account:tech-1");
    static final AuditActor CLIENT = AuditActor.client("192.0.2.7");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-12-06T10:00:00Z");
    final SecureRandom random = new SecureRandom();
    BrokerPki pki;

    /** This test's database (migrated); each call a new handle, another node's. */
    abstract StoreDatabase database();

    @BeforeEach
    void openPki() throws Exception {
        pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("unused"), random),
                List.of("localhost"), new Certificates(random), clock);
    }

    KioskRegistry registry(SqlAccess sql, String node) throws Exception {
        return KioskRegistry.open(sql, dir.resolve(node), clock.instant());
    }

    EnrollmentService service(KioskRegistry registry) {
        return new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()), new InMemoryAuditLog(),
                clock, random, new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30),
                        "ssl://localhost:8883", "https://localhost:8443/api/v1/renew"), () -> { });
    }

    static String csr(KioskId kiosk) throws Exception {
        return TestKiosk.csr(TestKiosk.p256(), "CN=" + kiosk.value() + ",O=Telekiosk", "SHA256withECDSA");
    }

    @Test
    void aTokenRedeemedOnTwoNodesAtOnceEnrollsItsKioskOnce() throws Exception {
        KioskRegistry onA = registry(new SqlAccess(database()), "a");
        KioskRegistry onB = registry(new SqlAccess(database()), "b");
        EnrollmentService a = service(onA);
        EnrollmentService b = service(onB);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                KioskId kiosk = KioskId.of("race-" + round);
                String line = a.createToken(kiosk, "Race " + round, TECHNICIAN).line();
                String csrA = csr(kiosk);
                String csrB = csr(kiosk);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<EnrollmentOutcome> first = pool.submit(() -> {
                    start.await();
                    return a.enroll(new EnrollmentRequest(line, csrA), CLIENT);
                });
                Future<EnrollmentOutcome> second = pool.submit(() -> {
                    start.await();
                    return b.enroll(new EnrollmentRequest(line, csrB), CLIENT);
                });
                List<EnrollmentOutcome> outcomes = List.of(first.get(), second.get());
                List<Issued> issued = outcomes.stream().filter(Issued.class::isInstance).map(Issued.class::cast)
                        .toList();
                int r = round;
                assertEquals(1, issued.size(), () -> "round " + r + ": " + outcomes);
                Refused refused = outcomes.stream().filter(Refused.class::isInstance).map(Refused.class::cast)
                        .findFirst().orElseThrow();
                assertEquals(Kind.CONFLICT, refused.refusal().kind(), refused.refusal().detail());
                X509Certificate cert = TestKiosk.certificates(issued.getFirst().response().certificateChain())
                        .getFirst();
                onA.refresh();
                onB.refresh();
                for (KioskRegistry node : List.of(onA, onB)) {
                    assertEquals(EnrollmentService.serial(cert), node.kiosk(kiosk).orElseThrow().serial(),
                            "the winner's certificate is the kiosk's on every node");
                }
                assertTrue(onB.state().revokedSerials().isEmpty(), "no certificate of the loser to supersede");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEnrollmentTouchesTheSameFewRowsWhateverTheFleetAndRewritesNoOtherKiosk() throws Exception {
        CountingConnections counting = new CountingConnections(database());
        KioskRegistry registry = registry(new SqlAccess(counting), "counted");
        EnrollmentService node = service(registry);
        fleet(registry, 0, 10);
        CountingConnections.Counts small = enrollOne(node, counting, KioskId.of("counted-small"));
        fleet(registry, 10, 500);
        CountingConnections.Counts large = enrollOne(node, counting, KioskId.of("counted-large"));
        assertEquals(small, large, "the same statements and rows with 10 and with 500 kiosks and tokens");
        assertTrue(small.rowsRead() < 10, () -> "a token and an enrollment read a few rows by key: " + small);
        assertTrue(small.rowsWritten() < 10, () -> "and write a few: " + small);
        long stampedByTheLastChange = new SqlAccess(database()).run("count the rows of the last change", c -> {
            try (var s = c.createStatement(); var row = s.executeQuery("SELECT COUNT(*) FROM kiosk "
                    + "WHERE registry_version = (SELECT version FROM kiosk_registry WHERE id = 1)")) {
                row.next();
                return row.getLong(1);
            }
        });
        assertEquals(1, stampedByTheLastChange, "the enrollment wrote its own kiosk's row and no other");
        assertEquals(502, registry.state().kiosks().size());
    }

    @Test
    void aRevocationWrittenByANodeOfAnEarlierVersionIsSeenInFullByTheOthers() throws Exception {
        KioskRegistry a = registry(new SqlAccess(database()), "a");
        KioskRegistry b = registry(new SqlAccess(database()), "b");
        Instant now = clock.instant();
        Instant notAfter = now.plus(Duration.ofDays(30));
        a.change(now, c -> c.putKiosk(new KioskRecord("older-01", "Older", "1a", notAfter, null)));
        assertTrue(b.refresh());
        // What a node of the version before V13 writes for a revocation (a rolling upgrade): the rows and the version,
        // no stamps; by their stamps alone the other nodes would never see it.
        new SqlAccess(database()).run("revoke as a node of an earlier version", c -> {
            try (var s = c.createStatement()) {
                s.executeUpdate("UPDATE kiosk SET revoked_at = " + SqlAccess.nanos(now) + " WHERE id = 'older-01'");
                s.executeUpdate("INSERT INTO revoked_serial (serial, kiosk, revoked_at, not_after, reason) VALUES "
                        + "('1a', 'older-01', " + SqlAccess.nanos(now) + ", " + SqlAccess.nanos(notAfter)
                        + ", 'revoked')");
                s.executeUpdate("UPDATE kiosk_registry SET version = version + 1, crl_number = crl_number + 1 "
                        + "WHERE id = 1");
            }
            return null;
        });
        assertTrue(b.refresh());
        assertTrue(b.kiosk(KioskId.of("older-01")).orElseThrow().revoked(), "the node read the registry in full");
        assertEquals(List.of("1a"), b.state().revokedSerials().stream().map(RevokedSerial::serial).toList());
        a.change(now, c -> c.putKiosk(new KioskRecord("newer-02", "Newer", "2b", notAfter, null)));
        assertTrue(a.kiosk(KioskId.of("older-01")).orElseThrow().revoked(), "a change catches up the same way");
        assertTrue(b.refresh());
        assertEquals(a.state(), b.state());
        assertEquals(1, b.state().crlNumber());
    }

    /** Kiosks {@code from} until {@code to}, enrolled, each with a used token: a fleet, in one change. */
    void fleet(KioskRegistry registry, int from, int to) {
        Instant now = clock.instant();
        registry.change(now, c -> {
            for (int i = from; i < to; i++) {
                String id = "fleet-%04d".formatted(i);
                c.putKiosk(new KioskRecord(id, "Fleet " + i, Integer.toHexString(0x10000 + i),
                        now.plus(Duration.ofDays(30)), null));
                c.addToken(new TokenRecord("%064x".formatted(i), id, "Fleet " + i, "t", now,
                        now.plus(Duration.ofDays(1)), now));
            }
            return null;
        });
    }

    private static CountingConnections.Counts enrollOne(EnrollmentService node, CountingConnections counting,
            KioskId kiosk) throws Exception {
        String csr = csr(kiosk);
        CountingConnections.Counts before = counting.counts();
        String line = node.createToken(kiosk, "Counted", TECHNICIAN).line();
        assertInstanceOf(Issued.class, node.enroll(new EnrollmentRequest(line, csr), CLIENT));
        return counting.counts().minus(before);
    }
}

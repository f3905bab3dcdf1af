package org.telekiosk.broker.kiosk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosk registry, the CA binding and the kiosks' presence in the database, as several broker nodes share them:
 * each "node" here is its own {@link KioskRegistry} (or {@link KioskPresence}) on its own {@link SqlAccess} to the
 * same database. Run on SQLite and on the local PostgreSQL (a fresh schema per test).
 */
abstract class SharedRegistryContract {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final KioskId LAB_1 = KioskId.of("wmk-lab-01");
    static final KioskId LAB_2 = KioskId.of("wmk-lab-02");

    @TempDir
    Path dir;

    /** A new connection handle to this test's database (migrated); each call is another node's. */
    abstract SqlAccess node();

    static KioskRecord enrolled(KioskId id, String serial) {
        return new KioskRecord(id.value(), "Lab " + id, serial, NOW.plus(Duration.ofDays(30)), null);
    }

    static TokenRecord token(String hashDigit, KioskId kiosk, Instant expires) {
        return new TokenRecord(hashDigit.repeat(64).substring(0, 64), kiosk.value(), "Lab", "cli:tech", NOW, expires,
                null);
    }

    @Test
    void aChangeOnOneNodeIsSeenByAnotherAtItsNextRefresh() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        KioskRegistry b = KioskRegistry.open(node(), dir.resolve("b"), NOW);
        a.change(NOW, c -> c.putKiosk(enrolled(LAB_1, "1a")).addToken(token("c", LAB_2, NOW.plusSeconds(60))));
        assertTrue(b.state().kiosk(LAB_1).isEmpty(), "b reads its snapshot only");
        assertTrue(b.kiosk(LAB_1).isEmpty());
        assertTrue(b.token(token("c", LAB_2, NOW).secretHash()).isPresent(), "tokens are read from the database");
        assertTrue(b.refresh());
        assertEquals(a.state(), b.state());
        assertEquals(a.kiosk(LAB_1), b.kiosk(LAB_1));
        assertFalse(b.refresh(), "nothing changed since");
        assertFalse(a.refresh(), "a's own change is its snapshot already");
    }

    @Test
    void changesFromTwoNodesAtOnceAreAllKept() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        KioskRegistry b = KioskRegistry.open(node(), dir.resolve("b"), NOW);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (KioskRegistry node : List.of(a, b)) {
                String prefix = node == a ? "a" : "b";
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 15; i++) {
                        String hash = "%064x".formatted((prefix.equals("a") ? 100 : 200) + i);
                        KioskId kiosk = KioskId.of(prefix + "-" + i);
                        node.change(NOW, c -> c.addToken(new TokenRecord(hash, kiosk.value(), "Lab", "t", NOW,
                                NOW.plusSeconds(600), null)).putKiosk(enrolled(kiosk, hash.substring(60))));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        a.refresh();
        b.refresh();
        assertEquals(30, a.state().kiosks().size());
        assertEquals(a.state(), b.state());
        for (KioskRegistry node : List.of(a, b)) {
            for (int i = 0; i < 15; i++) {
                assertTrue(node.kiosk(KioskId.of("a-" + i)).isPresent() && node.kiosk(KioskId.of("b-" + i)).isPresent());
                assertTrue(node.token("%064x".formatted(100 + i)).isPresent()
                        && node.token("%064x".formatted(200 + i)).isPresent());
            }
        }
    }

    @Test
    void theLookUpByIdFollowsEveryChangeAndRefresh() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        KioskRegistry b = KioskRegistry.open(node(), dir.resolve("b"), NOW);
        assertTrue(a.kiosk(LAB_1).isEmpty());
        a.change(NOW, c -> c.putKiosk(enrolled(LAB_1, "1a")));
        assertEquals(a.state().kiosk(LAB_1), a.kiosk(LAB_1));
        assertFalse(a.kiosk(LAB_1).orElseThrow().revoked());
        assertTrue(b.kiosk(LAB_1).isEmpty(), "b's snapshot");
        a.change(NOW, c -> c.putKiosk(new KioskRecord(LAB_1.value(), "Lab", "1a", NOW.plus(Duration.ofDays(30)),
                NOW)));
        assertTrue(a.kiosk(LAB_1).orElseThrow().revoked(), "a's own change at once");
        assertTrue(b.refresh());
        assertTrue(b.kiosk(LAB_1).orElseThrow().revoked(), "b's at its refresh");
        assertTrue(b.kiosk(LAB_2).isEmpty());
    }

    @Test
    void aRevocationRaisesTheCrlNumberAndOutlivesTheProcess() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        a.change(NOW, c -> c.putKiosk(enrolled(LAB_1, "1a")));
        a.change(NOW, c -> c.putKiosk(new KioskRecord(LAB_1.value(), "Lab", "1a", NOW.plus(Duration.ofDays(30)),
                NOW)).addRevoked(new RevokedSerial("1a", LAB_1.value(), NOW, NOW.plus(Duration.ofDays(30)),
                "revoked")));
        KioskRegistry reopened = KioskRegistry.open(node(), dir.resolve("c"), NOW);
        assertEquals(1, reopened.state().crlNumber());
        assertTrue(reopened.state().kiosk(LAB_1).orElseThrow().revoked());
        assertEquals(List.of("1a"), reopened.state().revokedSerials().stream().map(RevokedSerial::serial).toList());
        assertEquals(NOW, reopened.state().kiosk(LAB_1).orElseThrow().revokedAt());
    }

    @Test
    void expiredTokensAndCrlEntriesArePrunedFromTheDatabase() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        a.change(NOW, c -> c.addToken(token("d", LAB_1, NOW.plus(Duration.ofHours(1))))
                .addRevoked(new RevokedSerial("77", LAB_1.value(), NOW, NOW.plus(Duration.ofDays(1)), "revoked")));
        Instant later = NOW.plus(Duration.ofDays(9));
        a.change(later, c -> c.putKiosk(enrolled(LAB_2, "2b")));
        KioskRegistry b = KioskRegistry.open(node(), dir.resolve("b"), later);
        assertEquals(Optional.empty(), b.token(token("d", LAB_1, NOW).secretHash()));
        assertEquals(List.of(), b.state().revokedSerials());
        assertEquals(1, b.state().crlNumber(), "the CRL number never goes back");
    }

    @Test
    void whenAKioskWasLastSeenIsSharedAndNeverGoesBack() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        KioskRegistry b = KioskRegistry.open(node(), dir.resolve("b"), NOW);
        a.change(NOW, c -> c.putKiosk(enrolled(LAB_1, "1a")));
        a.seen(LAB_1, NOW.plusSeconds(30));
        a.syncLastSeen();
        b.seen(LAB_1, NOW.plusSeconds(10));
        b.syncLastSeen();
        assertEquals(NOW.plusSeconds(30), b.lastSeen(LAB_1).orElseThrow());
        KioskRegistry c = KioskRegistry.open(node(), dir.resolve("c"), NOW);
        c.syncLastSeen();
        assertEquals(NOW.plusSeconds(30), c.lastSeen(LAB_1).orElseThrow());
    }

    static final String LEGACY_FILE = """
            {
              "kiosks" : [ {
                "id" : "wmk-lab-01", "label" : "Lab 1, Wismar", "serial" : "1a2b3c",
                "notAfter" : "2027-01-04T10:00:00Z", "revokedAt" : null
              }, {
                "id" : "wmk-lab-02", "label" : "Lab 2", "serial" : "",
                "notAfter" : null, "revokedAt" : null
              }, {
                "id" : "wmk-lab-03", "label" : "Lab 3", "serial" : "3c",
                "notAfter" : "2027-01-04T10:00:00Z", "revokedAt" : "2026-12-01T09:00:00.123456789Z"
              } ],
              "tokens" : [ {
                "secretHash" : "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "kiosk" : "wmk-lab-02", "label" : "Lab 2", "createdBy" : "cli:tech",
                "createdAt" : "2026-12-05T09:00:00Z", "expiresAt" : "2026-12-06T09:00:00Z", "usedAt" : null
              } ],
              "revokedSerials" : [ {
                "serial" : "0f", "kiosk" : "wmk-lab-01", "at" : "2026-12-01T08:00:00Z",
                "notAfter" : "2027-01-01T08:00:00Z", "reason" : "superseded"
              }, {
                "serial" : "3c", "kiosk" : "wmk-lab-03", "at" : "2026-12-01T09:00:00.123456789Z",
                "notAfter" : "2027-01-04T10:00:00Z", "reason" : "revoked"
              } ],
              "crlNumber" : 7
            }
            """;

    Path legacyFile(Path kiosks, String content) throws Exception {
        SecureFiles.ownerOnlyDirectory(kiosks);
        Path file = kiosks.resolve("registry.json");
        SecureFiles.writeSecret(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    @Test
    void anUpgradedBrokerImportsItsRegistryFileOnceAndKeepsTheFileAside() throws Exception {
        Path kiosks = dir.resolve("node-a").resolve("kiosks");
        Path file = legacyFile(kiosks, LEGACY_FILE);
        KioskRegistry a = KioskRegistry.open(node(), kiosks, NOW);
        KioskRegistry.State state = a.state();
        assertEquals(List.of("wmk-lab-01", "wmk-lab-02", "wmk-lab-03"),
                state.kiosks().stream().map(KioskRecord::id).toList());
        assertEquals(new KioskRecord("wmk-lab-01", "Lab 1, Wismar", "1a2b3c", Instant.parse("2027-01-04T10:00:00Z"),
                null), state.kiosk(LAB_1).orElseThrow());
        assertEquals(Instant.parse("2026-12-01T09:00:00.123456789Z"),
                state.kiosk(KioskId.of("wmk-lab-03")).orElseThrow().revokedAt(), "to the nanosecond");
        assertFalse(state.kiosk(LAB_2).orElseThrow().enrolled());
        assertEquals("cli:tech", a.token("5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
                .orElseThrow().createdBy());
        assertEquals(Set.of("0f", "3c"), new HashSet<>(state.revokedSerials().stream().map(RevokedSerial::serial)
                .toList()));
        assertEquals(7, state.crlNumber());
        assertFalse(Files.exists(file), "the file is no longer where a broker would read it");
        List<Path> aside;
        try (Stream<Path> files = Files.list(kiosks)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("registry.json.imported-")).toList();
        }
        assertEquals(1, aside.size());
        assertEquals(LEGACY_FILE, Files.readString(aside.getFirst()), "kept byte for byte");

        // Another node (or the same after a crash before the rename) with the same file: nothing imported twice.
        Path again = legacyFile(dir.resolve("node-b").resolve("kiosks"), LEGACY_FILE);
        KioskRegistry b = KioskRegistry.open(node(), again.getParent(), NOW.plusSeconds(5));
        assertEquals(state, b.state());
        assertFalse(Files.exists(again));
        KioskRegistry c = KioskRegistry.open(node(), kiosks, NOW.plusSeconds(9));
        assertEquals(state, c.state());
    }

    @Test
    void aRegistryFileIsNotMixedIntoADatabaseThatHoldsOtherKiosks() throws Exception {
        KioskRegistry a = KioskRegistry.open(node(), dir.resolve("a"), NOW);
        a.change(NOW, c -> c.putKiosk(enrolled(KioskId.of("other-01"), "99")));
        Path file = legacyFile(dir.resolve("b").resolve("kiosks"), LEGACY_FILE);
        ConfigurationConflict refused = assertThrows(ConfigurationConflict.class,
                () -> KioskRegistry.open(node(), file.getParent(), NOW));
        assertTrue(refused.getMessage().contains("already holds a kiosk registry"), refused.getMessage());
        assertEquals(LEGACY_FILE, Files.readString(file), "the file is left as it was");
        a.refresh();
        assertEquals(List.of("other-01"), a.state().kiosks().stream().map(KioskRecord::id).toList());
    }

    @Test
    void aDamagedRegistryFileStopsTheStartAndImportsNothing() throws Exception {
        Path file = legacyFile(dir.resolve("a").resolve("kiosks"), LEGACY_FILE.replace("\"crlNumber\"", "\"crl\""));
        java.io.IOException refused = assertThrows(java.io.IOException.class,
                () -> KioskRegistry.open(node(), file.getParent(), NOW));
        assertTrue(refused.getMessage().contains("not a valid kiosk registry"), refused.getMessage());
        assertTrue(Files.exists(file));
        assertEquals(List.of(), KioskRegistry.open(node(), dir.resolve("b"), NOW).state().kiosks());
    }

    record Ca(KeyPair rootKeys, X509Certificate root, X509Certificate issuing) {}

    static final Certificates CERTS = new Certificates(new SecureRandom());

    static Ca ca(Instant issuedAt) {
        KeyPair rootKeys = CERTS.newKeyPair();
        X509Certificate root = CERTS.selfSignedCa(rootKeys, "Telekiosk Root CA", NOW, Duration.ofDays(7300));
        return new Ca(rootKeys, root, issuing(rootKeys, root, issuedAt));
    }

    static X509Certificate issuing(KeyPair rootKeys, X509Certificate root, Instant at) {
        return CERTS.issuingCa(rootKeys.getPrivate(), root, CERTS.newKeyPair().getPublic(), "Telekiosk Issuing CA", at,
                Duration.ofDays(1825));
    }

    @Test
    void aNodeWithAnotherCaThanTheDatabaseRecordsRefusesToStart() {
        Ca first = ca(NOW);
        RegistryCa.bind(node(), first.root(), first.issuing());
        RegistryCa.bind(node(), first.root(), first.issuing()); // the same CA again: fine
        Ca other = ca(NOW);
        ConfigurationConflict refused = assertThrows(ConfigurationConflict.class,
                () -> RegistryCa.bind(node(), other.root(), other.issuing()));
        assertTrue(refused.getMessage().contains("root CA (SHA-256 " + RegistryCa.fingerprint(other.root())),
                refused.getMessage());
        assertTrue(refused.getMessage().contains(RegistryCa.fingerprint(first.root())), refused.getMessage());
        RegistryCa.bind(node(), first.root(), first.issuing()); // and the recorded CA is still the first
    }

    @Test
    void aRenewedIssuingCaReplacesTheRecordedOneAndTheOldOneIsRefusedAfterwards() {
        Ca first = ca(NOW);
        RegistryCa.bind(node(), first.root(), first.issuing());
        X509Certificate renewed = issuing(first.rootKeys(), first.root(), NOW.plus(Duration.ofDays(1300)));
        RegistryCa.bind(node(), first.root(), renewed);
        ConfigurationConflict refused = assertThrows(ConfigurationConflict.class,
                () -> RegistryCa.bind(node(), first.root(), first.issuing()));
        assertTrue(refused.getMessage().contains("Copy pki/issuing-ca.p12"), refused.getMessage());
        RegistryCa.bind(node(), first.root(), renewed);
    }

    @Test
    void aKioskConnectedToOneNodeIsOnlineOnEveryNodeUntilItLeavesOrItsNodeDies() {
        MutableClock clock = new MutableClock(NOW);
        Set<KioskId> onA = java.util.concurrent.ConcurrentHashMap.newKeySet();
        KioskPresence a = new KioskPresence(node(), "node-a", "aa", clock, onA::contains, () -> Set.copyOf(onA));
        KioskPresence b = new KioskPresence(node(), "node-b", "aa", clock, k -> false, Set::of);
        a.start();
        b.start();
        assertFalse(b.online(LAB_1));
        onA.add(LAB_1);
        assertTrue(a.online(LAB_1), "on its own node at once");
        a.sync();
        b.sync();
        assertTrue(b.online(LAB_1));
        assertFalse(b.online(LAB_2));
        onA.remove(LAB_1);
        a.sync();
        b.sync();
        assertFalse(b.online(LAB_1));

        onA.add(LAB_2);
        a.sync();
        clock.advance(KioskPresence.STALE.plusSeconds(1)); // node a stops beating: it died
        b.sync();
        assertFalse(b.online(LAB_2), "a dead node's connections do not count");
        a.sync();
        b.sync();
        assertTrue(b.online(LAB_2), "back once it beats again");
        a.close();
        b.sync();
        assertFalse(b.online(LAB_2), "a node that stops takes its connections along");
        b.close();
    }

    /**
     * With an external MQTT broker the kiosks announce themselves (presence: online after the CONNACK, the Will
     * offline), and the shared subscription may hand a connection's Will and the next connection's online to two nodes
     * that write them in either order.
     */
    @Test
    void announcedPresenceCountsOnEveryNodeInTheKiosksConnectionOrderWhateverOrderNodesWriteIn() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        KioskRegistry registry = KioskRegistry.open(node(), dir.resolve("r"), NOW);
        registry.change(NOW, c -> c.putKiosk(enrolled(LAB_1, "1a")).putKiosk(enrolled(LAB_2, "2a")));
        AnnouncedPresence onA = new AnnouncedPresence(node(), Runnable::run, clock, registry::seen);
        AnnouncedPresence onB = new AnnouncedPresence(node(), Runnable::run, clock, registry::seen);
        KioskPresence a = new KioskPresence(node(), "node-a", "aa", clock, k -> false, Set::of, true);
        KioskPresence b = new KioskPresence(node(), "node-b", "aa", clock, k -> false, Set::of, true);
        KioskPresence embedded = new KioskPresence(node(), "node-c", "aa", clock, k -> false, Set::of);
        a.start();
        b.start();
        embedded.start();
        java.util.function.Consumer<KioskPresence> sync = p -> {
            registry.syncLastSeen();
            p.sync();
        };

        onA.take(new org.telekiosk.protocol.telemetry.Presence(LAB_1,
                org.telekiosk.protocol.telemetry.Presence.State.ONLINE, 7)).toCompletableFuture().join();
        sync.accept(b);
        assertTrue(b.online(LAB_1), "announced on A, online on B");
        sync.accept(embedded);
        assertFalse(embedded.online(LAB_1), "a node on its own MQTT broker counts only the connections it sees");

        // A takeover: the MQTT broker publishes connection 7's Will and then connection 8 says online; node B writes
        // 8's online before node A writes 7's Will.
        onB.take(presence(LAB_1, true, 8)).toCompletableFuture().join();
        onA.take(presence(LAB_1, false, 7)).toCompletableFuture().join();
        sync.accept(b);
        assertTrue(b.online(LAB_1), "an older connection's Will does not hide the newer connection");

        // Connection 8 ends: its Will written before its own online (two nodes again).
        onA.take(presence(LAB_1, false, 8)).toCompletableFuture().join();
        onB.take(presence(LAB_1, true, 8)).toCompletableFuture().join();
        sync.accept(b);
        assertFalse(b.online(LAB_1), "for one connection, offline wins");

        onA.take(presence(LAB_2, true, 3)).toCompletableFuture().join();
        sync.accept(a);
        assertTrue(a.online(LAB_2));
        // Its Will lost (no node subscribed when the MQTT broker published it) and nothing heard since.
        clock.advance(AnnouncedPresence.FRESH.plusSeconds(1));
        a.sync();
        b.sync();
        assertFalse(a.online(LAB_2), "a kiosk not seen for " + AnnouncedPresence.FRESH + " is not online");
        assertEquals(java.util.Optional.of(NOW), registry.lastSeen(LAB_2), "a presence counts as seen");
        a.close();
        b.close();
        embedded.close();
    }

    private static org.telekiosk.protocol.telemetry.Presence presence(KioskId kiosk, boolean online, long connection) {
        return new org.telekiosk.protocol.telemetry.Presence(kiosk, online
                ? org.telekiosk.protocol.telemetry.Presence.State.ONLINE
                : org.telekiosk.protocol.telemetry.Presence.State.OFFLINE, connection);
    }

    @Test
    void aNodeWhoseTokensWouldPinAnotherHttpsCaThanALiveNodesRefusesToStart() {
        MutableClock clock = new MutableClock(NOW);
        KioskPresence a = new KioskPresence(node(), "node-a", "aa", clock, k -> false, Set::of);
        a.start();
        KioskPresence b = new KioskPresence(node(), "node-b", "bb", clock, k -> false, Set::of);
        ConfigurationConflict refused = assertThrows(ConfigurationConflict.class, b::start);
        assertTrue(refused.getMessage().contains("running node node-a (pin aa)"), refused.getMessage());
        new KioskPresence(node(), "node-c", "aa", clock, k -> false, Set::of).start(); // the same pin: fine
        clock.advance(KioskPresence.STALE.plusSeconds(1)); // nodes a and c died: they no longer count
        b.start();
        assertThrows(ConfigurationConflict.class,
                () -> new KioskPresence(node(), "node-a", "aa", clock, k -> false, Set::of).start(),
                "now b is the live node whose pin counts");
        b.close();
        a.start(); // with b stopped, a may come back with its pin
    }
}

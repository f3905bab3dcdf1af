package org.telekiosk.broker.kiosk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosks the brokers know, their enrollment tokens and the certificates no longer trusted, in the store's
 * database (tables {@code kiosk}, {@code enrollment_token}, {@code revoked_serial}, {@code kiosk_registry}; migrations
 * V9, V13), shared by every broker node on the same database and by the command-line tools
 * ({@code enrollment-token}, {@code revoke}).
 *
 * <p>Every change ({@link #change}) runs in one transaction that holds the registry's lock (PostgreSQL: the
 * {@code kiosk_registry} row; SQLite: the write lock) and reads and writes single rows by key: a token is one insert,
 * a redemption one conditional update, an enrollment one kiosk row (and a CRL entry if it supersedes a certificate).
 * A change that writes kiosks or CRL entries stamps them with the version it makes; the other nodes read the rows
 * stamped since their last look ({@link #refresh()}, polled every two seconds), so a change costs the same whatever
 * the size of the fleet. Tokens are read from the database when redeemed and are not kept in memory.
 *
 * <p>The kiosks and CRL entries are kept in memory, by key: {@link #kiosk} is one map look-up and never touches the
 * database, so the MQTT authenticator may call it on HiveMQ's threads; {@link #state()} is a sorted snapshot for the
 * readers of the whole fleet (the technician's list, the CRL), made when asked after a change. When each kiosk was
 * last seen is noted in memory ({@link #seen}, never blocks) and written and read back by {@link #syncLastSeen()}, so
 * that the fleet view shows the latest time any node saw the kiosk.
 */
public final class KioskRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(KioskRegistry.class);
    /** How often a change drops expired CRL entries from memory (the database drops them at every change). */
    private static final Duration MEMORY_PRUNE = Duration.ofHours(1);

    /**
     * The registry's kiosks (by id) and CRL entries (by time and serial) at one moment, for readers of the whole
     * fleet. Per kiosk, {@link KioskRegistry#kiosk} is the look-up; {@link #kiosk} here scans.
     */
    public record State(List<KioskRecord> kiosks, List<RevokedSerial> revokedSerials, long crlNumber) {
        public State {
            kiosks = List.copyOf(kiosks);
            revokedSerials = List.copyOf(revokedSerials);
        }

        static State empty() {
            return new State(List.of(), List.of(), 0);
        }

        public Optional<KioskRecord> kiosk(KioskId id) {
            return kiosks.stream().filter(k -> k.id().equals(id.value())).findFirst();
        }
    }

    /** The version and stamped-change count this node's view is at. */
    private record Seen(long version, long stamped) {}

    private final SqlAccess sql;
    /** This node's database turn: one refresh or change at a time, so that {@link #viewAt} moves forward only. */
    private final Object turn = new Object();
    /** Guards the in-memory view's writes and the snapshot's making; never held across a database call. */
    private final Object view = new Object();
    private final Map<String, KioskRecord> kiosks = new ConcurrentHashMap<>();
    private final Map<String, RevokedSerial> revoked = new ConcurrentHashMap<>();
    private long crlNumber; // guarded by view
    private volatile Seen viewAt = new Seen(-1, 0);
    private volatile State snapshot = State.empty();
    private boolean snapshotStale; // guarded by view
    private Instant prunedAt = Instant.MIN; // guarded by view
    private final Map<KioskId, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Instant> unsavedSeen = new ConcurrentHashMap<>();

    private KioskRegistry(SqlAccess sql) {
        this.sql = sql;
    }

    /**
     * Opens the registry in the database of {@code sql} (migrated already). A registry file of earlier versions in
     * {@code legacyDir} ({@code registry.json}) is imported into an empty database registry in one transaction and
     * then renamed to {@code registry.json.imported-<epoch second>}; a file that cannot be imported (the database
     * already holds another registry) stops the start with a {@link ConfigurationConflict}, and nothing is changed.
     * Blocking.
     */
    public static KioskRegistry open(SqlAccess sql, Path legacyDir, Instant now) throws IOException {
        KioskRegistry registry = new KioskRegistry(sql);
        Path legacy = legacyDir.resolve(LegacyRegistryFile.NAME);
        if (Files.exists(legacy)) {
            registry.importLegacy(legacy, now);
        }
        registry.refresh();
        return registry;
    }

    private void importLegacy(Path file, Instant now) throws IOException {
        LegacyRegistryFile.Content legacy = LegacyRegistryFile.read(file);
        String imported = RegistryTables.locked(sql, "import the kiosk registry file " + file, c -> {
            if (RegistryTables.isEmpty(c)) {
                RegistryTables.Head head = RegistryTables.head(c);
                RegistryChange change = new RegistryChange(c, head.version() + 1, head.crlNumber());
                legacy.kiosks().forEach(change::putKiosk);
                legacy.tokens().forEach(change::addToken);
                legacy.revokedSerials().forEach(change::addRevoked);
                change.crlNumber(legacy.crlNumber());
                RegistryTables.bump(c, change.version(), change.crlNumber());
                try (var s = c.prepareStatement(
                        "UPDATE kiosk_registry SET imported_from = ?, imported_at = ? WHERE id = 1")) {
                    s.setString(1, file.toAbsolutePath().toString());
                    s.setLong(2, SqlAccess.nanos(now));
                    s.executeUpdate();
                }
                return "imported";
            }
            for (KioskRecord k : legacy.kiosks()) {
                if (RegistryTables.kiosk(c, k.id()).isEmpty()) {
                    return "conflict";
                }
            }
            for (TokenRecord t : legacy.tokens()) {
                if (t.expiresAt().isAfter(now) && RegistryTables.token(c, t.secretHash()).isEmpty()) {
                    return "conflict";
                }
            }
            return "held";
        });
        switch (imported) {
            case "imported" -> {
                Path aside = LegacyRegistryFile.setAside(file, now);
                LOG.info("Imported the kiosk registry file ({} kiosks, {} tokens, {} revoked certificates, CRL #{}) "
                        + "into the database; the file is kept as {}", legacy.kiosks().size(), legacy.tokens().size(),
                        legacy.revokedSerials().size(), legacy.crlNumber(), aside);
            }
            case "held" -> {
                Path aside = LegacyRegistryFile.setAside(file, now);
                LOG.warn("The kiosk registry file's kiosks are all in the database already (imported before); the "
                        + "file is kept as {} and no longer read", aside);
            }
            default -> throw new ConfigurationConflict("cannot import the kiosk registry file " + file + ": the "
                    + "database already holds a kiosk registry with other kiosks (another broker node's, or one "
                    + "imported before). Nothing was changed. If this node shall join that database, move the file "
                    + "away (its kiosks enroll again with new tokens); otherwise point store.url at this node's own "
                    + "database.");
        }
    }

    /**
     * The kiosks and CRL entries as this node knows them now, sorted (kiosks by id, CRL entries by time and serial).
     * Made from the in-memory view when asked after a change (a copy of every kiosk: for the readers of the whole
     * fleet, not per message). Never blocks on the database.
     */
    public State state() {
        synchronized (view) {
            if (snapshotStale) {
                snapshot = new State(kiosks.values().stream().sorted(Comparator.comparing(KioskRecord::id)).toList(),
                        revoked.values().stream().sorted(Comparator.comparing(RevokedSerial::at)
                                .thenComparing(RevokedSerial::serial)).toList(), crlNumber);
                snapshotStale = false;
            }
            return snapshot;
        }
    }

    /** The kiosk {@code id} as this node knows it: one map look-up. Never blocks. */
    public Optional<KioskRecord> kiosk(KioskId id) {
        return Optional.ofNullable(kiosks.get(id.value()));
    }

    /** The enrollment token whose secret hashes to {@code secretHash}, read from the database. Blocking. */
    public Optional<TokenRecord> token(String secretHash) {
        return sql.run("read an enrollment token", c -> RegistryTables.token(c, secretHash));
    }

    /**
     * Reads what changed since this node's last look (another node, the command line): the rows stamped since, by
     * index; returns whether anything did. Blocking (one single-row read when nothing changed).
     */
    public boolean refresh() {
        synchronized (turn) {
            Seen from = viewAt;
            RegistryTables.Head head = sql.run("read the kiosk registry's version", RegistryTables::head);
            if (head.version() == from.version() && head.stampedChanges() == from.stamped()) {
                return false;
            }
            apply(RegistryTables.snapshot(sql, "read the kiosk registry's changes",
                    c -> RegistryTables.changesSince(c, from.version(), from.stamped())), null, null);
            return true;
        }
    }

    /**
     * Runs {@code work} as one registry change: in one transaction under the registry's lock, after catching up with
     * the changes of other nodes since this node's last look; expired tokens and CRL entries are deleted in the same
     * transaction. What it wrote is in this node's view when it returns. Blocking: never call on an event loop.
     */
    public <T> T change(Instant now, Function<RegistryChange, T> work) {
        synchronized (turn) {
            Seen from = viewAt;
            record Done<V>(V value, RegistryTables.Delta others, RegistryChange change) {}
            Done<T> done = RegistryTables.locked(sql, "change the kiosk registry", c -> {
                RegistryTables.Delta others = RegistryTables.changesSince(c, from.version(), from.stamped());
                RegistryChange change = new RegistryChange(c, others.head().version() + 1, others.head().crlNumber());
                T value = work.apply(change);
                RegistryTables.prune(c, now);
                if (change.changedView()) {
                    RegistryTables.bump(c, change.version(), change.crlNumber());
                }
                return new Done<>(value, others, change);
            });
            apply(done.others(), done.change().changedView() ? done.change() : null, now);
            return done.value();
        }
    }

    /** Brings the in-memory view to {@code others} and then {@code own} (this node's change, if it wrote any). */
    private void apply(RegistryTables.Delta others, RegistryChange own, Instant now) {
        synchronized (view) {
            if (others.full()) {
                Set<String> ids = new HashSet<>();
                others.kiosks().forEach(k -> ids.add(k.id()));
                Set<String> serials = new HashSet<>();
                others.revoked().forEach(r -> serials.add(r.serial()));
                // Put first, then remove what is gone: a look-up never misses a kiosk that stays.
                others.kiosks().forEach(k -> kiosks.put(k.id(), k));
                others.revoked().forEach(r -> revoked.put(r.serial(), r));
                kiosks.keySet().retainAll(ids);
                revoked.keySet().retainAll(serials);
            } else {
                others.kiosks().forEach(k -> kiosks.put(k.id(), k));
                others.revoked().forEach(r -> revoked.put(r.serial(), r));
            }
            long version = others.head().version();
            long stamped = others.head().stampedChanges();
            crlNumber = others.head().crlNumber();
            if (own != null) {
                own.kiosks().forEach(k -> kiosks.put(k.id(), k));
                own.revoked().forEach(r -> revoked.put(r.serial(), r));
                version = own.version();
                stamped++;
                crlNumber = own.crlNumber();
            }
            if (now != null && now.isAfter(prunedAt.plus(MEMORY_PRUNE))) {
                revoked.values().removeIf(r -> !r.notAfter().isAfter(now));
                prunedAt = now;
            }
            viewAt = new Seen(version, stamped);
            snapshotStale = true;
        }
    }

    /** Notes that {@code kiosk} connected, enrolled or renewed at {@code at}. Never blocks. */
    public void seen(KioskId kiosk, Instant at) {
        lastSeen.merge(kiosk, at, (a, b) -> a.isAfter(b) ? a : b);
        unsavedSeen.merge(kiosk.value(), at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** When {@code kiosk} was last seen, by this node or (as of the last {@link #syncLastSeen()}) by any. */
    public Optional<Instant> lastSeen(KioskId kiosk) {
        return Optional.ofNullable(lastSeen.get(kiosk));
    }

    /**
     * Writes the last-seen times noted here since the previous call and reads every node's. Blocking; the broker
     * calls it every few seconds on its registry thread.
     */
    public void syncLastSeen() {
        Map<String, Instant> batch = new HashMap<>();
        for (String kiosk : List.copyOf(unsavedSeen.keySet())) {
            Instant at = unsavedSeen.remove(kiosk);
            if (at != null) {
                batch.put(kiosk, at);
            }
        }
        Map<String, Instant> all;
        try {
            all = sql.run("note when kiosks were last seen", c -> {
                if (!batch.isEmpty()) {
                    RegistryTables.raiseLastSeen(c, batch);
                }
                return RegistryTables.lastSeen(c);
            });
        } catch (RuntimeException e) {
            batch.forEach((kiosk, at) -> unsavedSeen.merge(kiosk, at, (a, b) -> a.isAfter(b) ? a : b));
            throw e;
        }
        all.forEach((kiosk, at) -> lastSeen.merge(KioskId.of(kiosk), at, (a, b) -> a.isAfter(b) ? a : b));
    }
}

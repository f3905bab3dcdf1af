package org.telekiosk.broker.kiosk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.store.Dialect;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosks the brokers know, their enrollment tokens and the certificates no longer trusted, in the store's
 * database (tables {@code kiosk}, {@code enrollment_token}, {@code revoked_serial}, {@code kiosk_registry}; migration
 * V9), shared by every broker node on the same database and by the command-line tools ({@code enrollment-token},
 * {@code revoke}). Every change runs in one transaction that holds the registry's lock (PostgreSQL: the
 * {@code kiosk_registry} row; SQLite: the write lock), reads the latest state, applies itself, writes the difference
 * and bumps the registry's version. {@link #refresh()} reloads the snapshot when the version moved (another node or
 * process changed it); the broker polls it every two seconds.
 *
 * <p>Reads use the in-memory snapshot and never touch the database, so the MQTT authenticator may call them on
 * HiveMQ's threads. When each kiosk was last seen is noted in memory ({@link #seen}, never blocks) and written and
 * read back by {@link #syncLastSeen()}, so that the fleet view shows the latest time any node saw the kiosk.
 */
public final class KioskRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(KioskRegistry.class);

    /** The registry's content. */
    public record State(List<KioskRecord> kiosks, List<TokenRecord> tokens, List<RevokedSerial> revokedSerials,
            long crlNumber) {
        public State {
            kiosks = List.copyOf(kiosks);
            tokens = List.copyOf(tokens);
            revokedSerials = List.copyOf(revokedSerials);
        }

        static State empty() {
            return new State(List.of(), List.of(), List.of(), 0);
        }

        public Optional<KioskRecord> kiosk(KioskId id) {
            return kiosks.stream().filter(k -> k.id().equals(id.value())).findFirst();
        }

        public Optional<TokenRecord> token(String secretHash) {
            return tokens.stream().filter(t -> t.secretHash().equals(secretHash)).findFirst();
        }

        /** This state with {@code record} in place of the kiosk of the same id (or added). */
        public State withKiosk(KioskRecord record) {
            List<KioskRecord> list = new ArrayList<>(kiosks.stream().filter(k -> !k.id().equals(record.id())).toList());
            list.add(record);
            list.sort(java.util.Comparator.comparing(KioskRecord::id));
            return new State(list, tokens, revokedSerials, crlNumber);
        }

        public State withToken(TokenRecord token) {
            List<TokenRecord> list = new ArrayList<>(
                    tokens.stream().filter(t -> !t.secretHash().equals(token.secretHash())).toList());
            list.add(token);
            return new State(kiosks, list, revokedSerials, crlNumber);
        }

        public State withRevoked(RevokedSerial serial) {
            List<RevokedSerial> list = new ArrayList<>(revokedSerials);
            list.add(serial);
            return new State(kiosks, tokens, list, crlNumber + 1);
        }

        /**
         * The same content in the one order every node reads it from the database: kiosks by id, tokens by creation
         * and hash, revoked certificates by time and serial (a serial listed twice once, the first).
         */
        State canonical() {
            java.util.Map<String, RevokedSerial> serials = new java.util.LinkedHashMap<>();
            revokedSerials.forEach(r -> serials.putIfAbsent(r.serial(), r));
            return new State(
                    kiosks.stream().sorted(java.util.Comparator.comparing(KioskRecord::id)).toList(),
                    tokens.stream().sorted(java.util.Comparator.comparing(TokenRecord::createdAt)
                            .thenComparing(TokenRecord::secretHash)).toList(),
                    serials.values().stream().sorted(java.util.Comparator.comparing(RevokedSerial::at)
                            .thenComparing(RevokedSerial::serial)).toList(),
                    crlNumber);
        }

        /** Without tokens and CRL entries that expired before {@code now}. */
        State pruned(Instant now) {
            return new State(kiosks,
                    tokens.stream().filter(t -> t.expiresAt().isAfter(now.minus(java.time.Duration.ofDays(7)))).toList(),
                    revokedSerials.stream().filter(r -> r.notAfter().isAfter(now)).toList(), crlNumber);
        }
    }

    private final SqlAccess sql;
    private volatile State state = State.empty();
    /** {@link #state}'s kiosks by id, for {@link #kiosk}: replaced with the state, never changed. */
    private volatile Indexed indexed = new Indexed(State.empty(), Map.of());

    private record Indexed(State state, Map<String, KioskRecord> byId) {
        static Indexed of(State state) {
            Map<String, KioskRecord> byId = new java.util.HashMap<>();
            state.kiosks().forEach(k -> byId.putIfAbsent(k.id(), k));
            return new Indexed(state, Map.copyOf(byId));
        }
    }
    private volatile long version = -1;
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
        State legacy = LegacyRegistryFile.read(file);
        String imported = RegistryTables.locked(sql, "import the kiosk registry file " + file, c -> {
            if (RegistryTables.isEmpty(c)) {
                RegistryTables.write(c, State.empty(), legacy);
                try (var s = c.prepareStatement(
                        "UPDATE kiosk_registry SET imported_from = ?, imported_at = ? WHERE id = 1")) {
                    s.setString(1, file.toAbsolutePath().toString());
                    s.setLong(2, SqlAccess.nanos(now));
                    s.executeUpdate();
                }
                return "imported";
            }
            State held = RegistryTables.load(c);
            boolean alreadyIn = legacy.kiosks().stream().allMatch(k -> held.kiosk(KioskId.of(k.id())).isPresent())
                    && legacy.tokens().stream().allMatch(t -> held.token(t.secretHash()).isPresent()
                            || !t.expiresAt().isAfter(now));
            return alreadyIn ? "held" : "conflict";
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

    /** The current snapshot; never blocks. */
    public State state() {
        return state;
    }

    /**
     * The kiosk {@code id} in the current snapshot, as {@code state().kiosk(id)} but by one map look-up instead of a
     * scan of every kiosk ever enrolled: for the per-message paths (the store acknowledgements, at every flush for
     * every kiosk that sent something). Never blocks.
     */
    public Optional<KioskRecord> kiosk(KioskId id) {
        Indexed current = indexed;
        if (current.state() != state) {
            current = Indexed.of(state);
            indexed = current;
        }
        return Optional.ofNullable(current.byId().get(id.value()));
    }

    /**
     * Reloads the snapshot if the registry changed since (another node, the command line); returns whether it did.
     * Blocking (one small query; a reload after a change).
     */
    public synchronized boolean refresh() {
        long current = sql.run("read the kiosk registry's version", RegistryTables::version);
        if (current == version) {
            return false;
        }
        record Loaded(long version, State state) {}
        Loaded loaded = sql.run("read the kiosk registry", c -> {
            // One snapshot: the version and the rows it describes, read in one transaction.
            c.setAutoCommit(false);
            if (sql.dialect() == Dialect.POSTGRESQL) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            try {
                Loaded l = new Loaded(RegistryTables.version(c), RegistryTables.load(c));
                c.commit();
                return l;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
        state = loaded.state();
        version = loaded.version();
        return true;
    }

    /**
     * Applies {@code change} to the latest state in the database, in one transaction under the registry's lock, and
     * stores the result (expired tokens and CRL entries pruned); returns it. Blocking: never call on an event loop.
     */
    public synchronized State update(Instant now, UnaryOperator<State> change) {
        record Changed(long version, State state) {}
        Changed changed = RegistryTables.locked(sql, "change the kiosk registry", c -> {
            State before = RegistryTables.load(c);
            State next = change.apply(before).pruned(now).canonical();
            if (next.equals(before)) {
                return new Changed(RegistryTables.version(c), next);
            }
            return new Changed(RegistryTables.write(c, before, next), next);
        });
        state = changed.state();
        version = changed.version();
        return changed.state();
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

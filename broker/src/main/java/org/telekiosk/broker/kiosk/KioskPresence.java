package org.telekiosk.broker.kiosk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.telekiosk.broker.config.ConfigurationConflict;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * Which kiosks are online across the broker nodes on one database. Each node keeps a heartbeat row in
 * {@code broker_node} and, in {@code kiosk_connection}, the kiosks its MQTT broker holds a connection of;
 * {@link #sync()} (every few seconds, on the registry thread) writes both and reads back every kiosk connected to a
 * node whose heartbeat is younger than {@link #STALE}. A node that died without closing stops counting after that
 * time; when it starts again it first clears what it had left.
 *
 * <p>With an external MQTT broker ({@code mqtt.external-host}) no node sees the kiosks' connections; then the kiosks'
 * own announcements count instead ({@link AnnouncedPresence}, {@code kiosk_presence}: {@code online} after the
 * CONNACK, the MQTT 5 Will {@code offline}), read at each sync.
 *
 * <p>{@link #online} never blocks: this node's own connections count at once, other nodes' as of the last sync.
 */
public final class KioskPresence implements AutoCloseable {
    /** A node whose heartbeat is older than this counts as gone, with its connections. */
    public static final Duration STALE = Duration.ofSeconds(15);
    /** A gone node's rows are deleted after this long (by whichever node syncs). */
    static final Duration FORGOTTEN = Duration.ofDays(1);

    private final SqlAccess sql;
    private final String node;
    private final String httpsCaPin;
    private final Clock clock;
    private final Predicate<KioskId> local;
    private final Supplier<Set<KioskId>> localKiosks;
    private final boolean announced;
    private Set<String> written = Set.of();
    private volatile Set<String> online = Set.of();

    /**
     * @param node        this node's name (unique per node: the broker's MQTT client id)
     * @param httpsCaPin  the pin (hex) of the CA at the end of this node's HTTPS chain, which its tokens carry
     * @param local       whether this node's MQTT broker has a connection of the kiosk now (never blocks)
     * @param localKiosks the kiosks connected to this node's MQTT broker now (never blocks)
     */
    public KioskPresence(SqlAccess sql, String node, String httpsCaPin, Clock clock, Predicate<KioskId> local,
            Supplier<Set<KioskId>> localKiosks) {
        this(sql, node, httpsCaPin, clock, local, localKiosks, false);
    }

    /**
     * @param announced whether the kiosks' own announcements count ({@link AnnouncedPresence}): with an external MQTT
     *                  broker, whose connections no node sees
     */
    public KioskPresence(SqlAccess sql, String node, String httpsCaPin, Clock clock, Predicate<KioskId> local,
            Supplier<Set<KioskId>> localKiosks, boolean announced) {
        this.announced = announced;
        this.sql = Objects.requireNonNull(sql, "sql");
        this.node = Objects.requireNonNull(node, "node");
        this.httpsCaPin = Objects.requireNonNull(httpsCaPin, "httpsCaPin");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.local = Objects.requireNonNull(local, "local");
        this.localKiosks = Objects.requireNonNull(localKiosks, "localKiosks");
    }

    /**
     * Registers this node (clearing the connections it left behind, should it have died) and syncs. Refuses
     * ({@link ConfigurationConflict}, nothing written) while a live node's HTTPS chain ends at another CA: the tokens
     * one of them makes would be refused by the other. Blocking.
     */
    public synchronized void start() {
        Instant now = clock.instant();
        String other = sql.run("register this broker node", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT node, https_ca_pin FROM broker_node "
                    + "WHERE node <> ? AND heartbeat_at >= ? AND https_ca_pin <> ?")) {
                s.setString(1, node);
                s.setLong(2, SqlAccess.nanos(now.minus(STALE)));
                s.setString(3, httpsCaPin);
                try (ResultSet row = s.executeQuery()) {
                    if (row.next()) {
                        return row.getString(1) + " (pin " + row.getString(2) + ")";
                    }
                }
            }
            delete(c, "DELETE FROM kiosk_connection WHERE node = ?");
            try (PreparedStatement s = c.prepareStatement("INSERT INTO broker_node (node, started_at, heartbeat_at, "
                    + "https_ca_pin) VALUES (?, ?, ?, ?) ON CONFLICT (node) DO UPDATE SET "
                    + "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, "
                    + "https_ca_pin = excluded.https_ca_pin")) {
                s.setString(1, node);
                s.setLong(2, SqlAccess.nanos(now));
                s.setLong(3, SqlAccess.nanos(now));
                s.setString(4, httpsCaPin);
                s.executeUpdate();
            }
            return null;
        });
        if (other != null) {
            throw new ConfigurationConflict("this broker node's HTTPS certificate chain ends at another CA (pin "
                    + httpsCaPin + ") than that of the running node " + other + ": enrollment tokens carry the pin, "
                    + "so a token made on one node would be refused on the other. Give every node the same "
                    + "https.certificate-file chain (or none on all). Nothing was changed.");
        }
        written = Set.of();
        sync();
    }

    /**
     * Whether {@code kiosk} has an MQTT connection on this node now or on any live node at the last sync, or (with
     * announcements counted) announced itself online at the last sync.
     */
    public boolean online(KioskId kiosk) {
        return local.test(kiosk) || online.contains(kiosk.value());
    }

    /** Heartbeat, this node's connections written, every live node's read. Blocking. */
    public synchronized void sync() {
        Instant now = clock.instant();
        Set<String> current = new HashSet<>();
        localKiosks.get().forEach(k -> current.add(k.value()));
        Set<String> before = written;
        online = sql.run("share which kiosks are online", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE broker_node SET heartbeat_at = ? WHERE node = ?")) {
                s.setLong(1, SqlAccess.nanos(now));
                s.setString(2, node);
                s.executeUpdate();
            }
            for (String gone : before) {
                if (!current.contains(gone)) {
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM kiosk_connection WHERE kiosk = ? AND node = ?")) {
                        s.setString(1, gone);
                        s.setString(2, node);
                        s.executeUpdate();
                    }
                }
            }
            for (String kiosk : current) {
                if (!before.contains(kiosk)) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO kiosk_connection (kiosk, node, "
                            + "connected_at) VALUES (?, ?, ?) ON CONFLICT (kiosk, node) DO NOTHING")) {
                        s.setString(1, kiosk);
                        s.setString(2, node);
                        s.setLong(3, SqlAccess.nanos(now));
                        s.executeUpdate();
                    }
                }
            }
            long forgotten = SqlAccess.nanos(now.minus(FORGOTTEN));
            try (PreparedStatement s = c.prepareStatement("DELETE FROM kiosk_connection WHERE node IN "
                    + "(SELECT node FROM broker_node WHERE heartbeat_at < ?)")) {
                s.setLong(1, forgotten);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM broker_node WHERE heartbeat_at < ?")) {
                s.setLong(1, forgotten);
                s.executeUpdate();
            }
            Set<String> seen = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT k.kiosk FROM kiosk_connection k "
                    + "JOIN broker_node n ON n.node = k.node WHERE n.heartbeat_at >= ?")) {
                s.setLong(1, SqlAccess.nanos(now.minus(STALE)));
                try (ResultSet row = s.executeQuery()) {
                    while (row.next()) {
                        seen.add(row.getString(1));
                    }
                }
            }
            if (announced) {
                seen.addAll(AnnouncedPresence.online(c, now.minus(AnnouncedPresence.FRESH)));
            }
            return Set.copyOf(seen);
        });
        written = Set.copyOf(current);
    }

    /** This node's name. */
    public String node() {
        return node;
    }

    /** Removes this node's rows: its kiosks are no longer online through it. Blocking. */
    @Override
    public synchronized void close() {
        sql.run("unregister this broker node", c -> {
            delete(c, "DELETE FROM kiosk_connection WHERE node = ?");
            delete(c, "DELETE FROM broker_node WHERE node = ?");
            return null;
        });
    }

    private void delete(Connection c, String statement) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(statement)) {
            s.setString(1, node);
            s.executeUpdate();
        }
    }
}

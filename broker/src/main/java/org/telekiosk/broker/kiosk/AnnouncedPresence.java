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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Presence;

/**
 * The kiosks' online state as they announce it ({@link Presence}: {@code online} after the CONNACK, the MQTT 5 Will
 * {@code offline}), in {@code kiosk_presence}: what a node sees of the kiosks when they are connected to an external
 * MQTT broker ({@code mqtt.external-host}) instead of its own. Whichever node the shared subscription hands a
 * message to writes it; every node reads the table in {@link KioskPresence#sync()}.
 *
 * <p>Writes are ordered by the kiosk's connection number, not by their arrival: a message of an older connection
 * than the one recorded changes nothing, and for the same connection {@code offline} wins over {@code online}. So a
 * connection's Will that one node writes after another node wrote the next connection's {@code online} (the MQTT
 * broker publishes the Will at the takeover, and the shared subscription may hand the two to different nodes) does
 * not make a connected kiosk look offline; nor does an {@code online} that arrives after its own connection's Will
 * make a gone kiosk look online.
 */
public final class AnnouncedPresence {
    /**
     * A kiosk that announced {@code online} counts as online only while it was seen (any message: a status at least
     * once a minute, {@code status.interval}) within this time: should its Will be lost (no node subscribed when the
     * MQTT broker published it, the MQTT broker itself gone), it drops out by itself.
     */
    public static final Duration FRESH = Duration.ofMinutes(3);

    private final SqlAccess sql;
    private final Executor writer;
    private final Clock clock;
    private final BiConsumer<KioskId, Instant> seen;

    /**
     * @param writer runs the database writes (blocking), one at a time
     * @param seen   notes that a kiosk was seen ({@link KioskRegistry#seen}); never blocks
     */
    public AnnouncedPresence(SqlAccess sql, Executor writer, Clock clock, BiConsumer<KioskId, Instant> seen) {
        this.sql = Objects.requireNonNull(sql, "sql");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seen = Objects.requireNonNull(seen, "seen");
    }

    /**
     * Records {@code presence} (unless an equal or later connection's state is recorded, see above) and notes the kiosk
     * as seen. Never blocks: the stage completes once it is written, on the writer.
     */
    public CompletionStage<Void> take(Presence presence) {
        Instant now = clock.instant();
        seen.accept(presence.kiosk(), now);
        try {
            return CompletableFuture.runAsync(() -> write(presence, now), writer);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return CompletableFuture.failedFuture(stopping);
        }
    }

    /** Writes {@code presence} now. Blocking. */
    void write(Presence presence, Instant now) {
        sql.run("record that kiosk " + presence.kiosk() + " is " + presence.state(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO kiosk_presence (kiosk, connection, online, "
                    + "changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (kiosk) DO UPDATE SET "
                    + "connection = excluded.connection, online = excluded.online, changed_at = excluded.changed_at "
                    + "WHERE excluded.connection > kiosk_presence.connection OR (excluded.connection = "
                    + "kiosk_presence.connection AND excluded.online = 0 AND kiosk_presence.online = 1)")) {
                s.setString(1, presence.kiosk().value());
                s.setLong(2, presence.connection());
                s.setInt(3, presence.state() == Presence.State.ONLINE ? 1 : 0);
                s.setLong(4, SqlAccess.nanos(now));
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The kiosks whose last recorded state is {@code online} and that some node saw (the kiosk's {@code last_seen})
     * at or after {@code freshSince}.
     */
    static Set<String> online(Connection c, Instant freshSince) throws SQLException {
        Set<String> online = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT p.kiosk FROM kiosk_presence p JOIN kiosk k "
                + "ON k.id = p.kiosk WHERE p.online = 1 AND k.last_seen >= ? AND k.revoked_at IS NULL")) {
            s.setLong(1, SqlAccess.nanos(freshSince));
            try (ResultSet row = s.executeQuery()) {
                while (row.next()) {
                    online.add(row.getString(1));
                }
            }
        }
        return online;
    }
}

package org.telekiosk.broker.signaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;

/**
 * The relay between broker nodes on PostgreSQL (issue 17): each node {@code LISTEN}s on its own channel and on one
 * for all nodes of its schema ({@link #broadcastChannel}); a message to a node is one {@code pg_notify} on that
 * node's channel. NOTIFY payloads must be shorter than 8000 bytes and an SDP offer may be longer, so a longer
 * message goes into a row of {@code signaling_relay} and the notification carries {@code @<id>}; the receiver
 * deletes the row as it reads it. All of a node's messages
 * leave through one sender thread on one connection, one transaction each, and PostgreSQL delivers notifications in
 * commit order: what one node sends another arrives in order. The rooms' homes are rows of {@code signaling_home}.
 *
 * <p>Not durable: a notification sent while the receiver's listening connection is down is lost (the sockets of
 * that room then resume, as after a drop).
 */
public final class PostgresRelay implements RelayTransport {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRelay.class);
    /** Payloads up to this many UTF-8 bytes go in the notification itself (PostgreSQL's limit: below 8000). */
    static final int INLINE_BYTES = 7_900;
    private static final long RETRY_MILLIS = 1_000;

    private final StoreDatabase database;
    private final SqlAccess sql;
    private final String node;
    private final Clock clock;
    private final BlockingQueue<Runnable> outbox = new LinkedBlockingQueue<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean running = true;
    private Thread sender;
    private Thread listener;
    private Connection sending;
    /** This deployment's channel for all nodes ({@link #broadcastChannel}), known once {@link #start} ran. */
    private volatile String all;

    /** A node whose heartbeat ({@code broker_node}) is older than this no longer holds its rooms. */
    private final Duration stale;

    /** @param stale when a node's heartbeat counts as dead: the kiosk presence's rule, so that both agree */
    public PostgresRelay(StoreDatabase database, String node, Clock clock, Duration stale) {
        this.stale = stale;
        this.database = Objects.requireNonNull(database, "database");
        this.sql = new SqlAccess(database);
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The channel of {@code node}: a name PostgreSQL accepts whatever the node is called. */
    static String channel(String node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
            return "tk_signal_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The channel all nodes of one deployment listen on. {@code NOTIFY} spans the whole database, not the schema, so
     * the channel is bound to the schema: two deployments on one database, each in its own schema, must not hear each
     * other's broadcasts (nor take each other's {@code signaling_relay} rows by number).
     */
    static String broadcastChannel(String schema) {
        return channel("all:" + schema);
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public String home(ConsultationId consultation) {
        long now = SqlAccess.nanos(clock.instant());
        long live = SqlAccess.nanos(clock.instant().minus(stale));
        return sql.run("find a signaling room's node", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO signaling_home (consultation_id, node,"
                    + " claimed_at) VALUES (?, ?, ?) ON CONFLICT (consultation_id) DO UPDATE SET node = excluded.node,"
                    + " claimed_at = excluded.claimed_at WHERE signaling_home.node NOT IN"
                    + " (SELECT node FROM broker_node WHERE heartbeat_at >= ?)")) {
                s.setString(1, consultation.toString());
                s.setString(2, node);
                s.setLong(3, now);
                s.setLong(4, live);
                s.executeUpdate();
            }
            return current(c, consultation);
        });
    }

    private static String current(Connection c, ConsultationId consultation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT node FROM signaling_home WHERE consultation_id = ?")) {
            s.setString(1, consultation.toString());
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    @Override
    public java.util.Set<String> live(java.util.Set<String> nodes) {
        if (nodes.isEmpty()) {
            return java.util.Set.of();
        }
        long live = SqlAccess.nanos(clock.instant().minus(stale));
        return sql.run("find the live broker nodes", c -> {
            java.util.Set<String> alive = new java.util.HashSet<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT node FROM broker_node WHERE heartbeat_at >= ?")) {
                s.setLong(1, live);
                try (ResultSet row = s.executeQuery()) {
                    while (row.next()) {
                        if (nodes.contains(row.getString(1))) {
                            alive.add(row.getString(1));
                        }
                    }
                }
            }
            return alive;
        });
    }

    @Override
    public void release(ConsultationId consultation) {
        sql.run("release a signaling room", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM signaling_home WHERE consultation_id = ? AND node = ?")) {
                s.setString(1, consultation.toString());
                s.setString(2, node);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public void seatHeld(ParticipantId participant) {
        sql.run("record a seat's node", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seat SET node = ? WHERE id = ?")) {
                s.setString(1, node);
                s.setString(2, participant.toString());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public void send(String to, String payload) {
        String channel = channel(to);
        outbox.add(() -> notify(channel, payload));
    }

    @Override
    public void sendToHome(ConsultationId consultation, String payload) {
        outbox.add(() -> {
            String home = sql.run("find a signaling room's node", c -> current(c, consultation));
            if (home != null && !home.equals(node)) {
                notify(channel(home), payload);
            }
        });
    }

    @Override
    public void broadcast(String payload) {
        outbox.add(() -> notify(all, payload));
    }

    @Override
    public boolean flush(Duration wait) {
        CountDownLatch sent = new CountDownLatch(1);
        outbox.add(sent::countDown); // one thread sends in order: when this runs, everything before it went
        try {
            return sent.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void start(Consumer<String> receiver) {
        all = broadcastChannel(sql.run("find the database schema", c -> {
            try (Statement s = c.createStatement(); ResultSet row = s.executeQuery("SELECT current_schema()")) {
                row.next();
                return row.getString(1);
            }
        }));
        sender = Thread.ofPlatform().name("signal-relay-out").daemon().start(this::sendLoop);
        listener = Thread.ofPlatform().name("signal-relay-in").daemon().start(() -> listenLoop(receiver));
        try {
            if (!listening.await(30, TimeUnit.SECONDS)) {
                LOG.warn("The signaling relay is not listening yet; it keeps trying");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendLoop() {
        while (running) {
            Runnable next;
            try {
                next = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.warn("A relayed signaling message was not sent: {}", e.toString());
            }
        }
    }

    /** One notification on the sender's connection (opened again after a failure). */
    private void notify(String channel, String payload) {
        try {
            if (sending == null || sending.isClosed()) {
                sending = database.connect();
            }
            if (payload.getBytes(StandardCharsets.UTF_8).length <= INLINE_BYTES) {
                try (PreparedStatement s = sending.prepareStatement("SELECT pg_notify(?, ?)")) {
                    s.setString(1, channel);
                    s.setString(2, payload);
                    s.execute();
                }
                return;
            }
            sending.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement s = sending.prepareStatement(
                        "INSERT INTO signaling_relay (channel, payload) VALUES (?, ?) RETURNING id")) {
                    s.setString(1, channel);
                    s.setString(2, payload);
                    try (ResultSet row = s.executeQuery()) {
                        row.next();
                        id = row.getLong(1);
                    }
                }
                try (PreparedStatement s = sending.prepareStatement("SELECT pg_notify(?, ?)")) {
                    s.setString(1, channel);
                    s.setString(2, "@" + id);
                    s.execute();
                }
                sending.commit();
            } catch (SQLException e) {
                sending.rollback();
                throw e;
            } finally {
                sending.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.warn("A relayed signaling message to channel {} was not sent: {}", channel, e.getMessage());
            closeQuietly(sending);
            sending = null;
        }
    }

    private void listenLoop(Consumer<String> receiver) {
        while (running) {
            try (Connection c = database.connect(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + channel(node));
                s.execute("LISTEN " + all);
                PGConnection pg = c.unwrap(PGConnection.class);
                listening.countDown();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        String payload = notification.getParameter();
                        if (payload.startsWith("@")) {
                            payload = take(c, Long.parseLong(payload.substring(1)));
                        }
                        if (payload != null) {
                            deliver(receiver, payload);
                        }
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                LOG.warn("The signaling relay lost its database connection ({}); listening again in {} ms",
                        e.getMessage(), RETRY_MILLIS);
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static String take(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM signaling_relay WHERE id = ? RETURNING payload")) {
            s.setLong(1, id);
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static void deliver(Consumer<String> receiver, String payload) {
        try {
            receiver.accept(payload);
        } catch (RuntimeException e) {
            LOG.warn("A relayed signaling message failed: {}", e.toString());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
        if (listener != null) {
            try {
                listener.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The sender's connection is closed by the sender's thread being gone; close it here too.
        closeQuietly(sending);
    }
}

package org.telekiosk.broker.consultation;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;
import static org.telekiosk.broker.store.SqlAccess.optionalInstant;
import static org.telekiosk.broker.store.SqlAccess.setOptionalInstant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * Seats in the store's database, table {@code seat} (migration V2), listed in arrival order (an auto-numbered
 * column, so that patients who arrive in the same clock tick are still first come first).
 *
 * <p>Seats are persisted, not kept in memory, so that a broker restart (an update, a crash) does not throw patients
 * out of a waiting room or a call: after the restart they resume with their resume token within the grace period,
 * exactly as after a dropped connection, and the consultation's state stays in step with its seats. The broker marks
 * every seat that was connected as disconnected when it starts ({@link #disconnectAllConnected}). Blocking: not on an
 * event loop.
 */
public final class SqlSeatRepository implements SeatRepository {
    private static final String COLUMNS = "id, consultation_id, display_name, kiosk, status, resume_token_hash,"
            + " camera_granted, microphone_granted, sensors_online, round_trip_millis, joined_at, disconnected_at";

    private final SqlAccess sql;

    public SqlSeatRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void insert(Seat seat) {
        sql.run("insert a seat", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO seat (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, seat.id().toString());
                s.setString(2, seat.consultation().toString());
                s.setString(3, seat.name().value());
                s.setString(4, seat.kiosk().map(KioskId::value).orElse(null));
                s.setString(5, seat.status().name());
                s.setString(6, seat.resumeTokenHash().hex());
                setReadiness(s, 7, seat.readiness());
                s.setLong(11, nanos(seat.joinedAt()));
                setOptionalInstant(s, 12, seat.disconnectedAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Seat> find(ParticipantId id) {
        return sql.run("find a seat", c -> query(c, "WHERE id = ?", id.toString()).stream().findFirst());
    }

    @Override
    public Optional<Seat> findByResumeToken(SecretHash resumeTokenHash) {
        return sql.run("find a seat", c -> query(c, "WHERE resume_token_hash = ?", resumeTokenHash.hex()).stream()
                .findFirst());
    }

    @Override
    public List<Seat> listOf(ConsultationId consultation) {
        return sql.run("list seats", c -> query(c, "WHERE consultation_id = ? ORDER BY arrival",
                consultation.toString()));
    }

    @Override
    public void update(Seat seat) {
        sql.run("update a seat", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seat SET display_name = ?, status = ?,"
                    + " resume_token_hash = ?, camera_granted = ?, microphone_granted = ?, sensors_online = ?,"
                    + " round_trip_millis = ?, disconnected_at = ? WHERE id = ?")) {
                s.setString(1, seat.name().value());
                s.setString(2, seat.status().name());
                s.setString(3, seat.resumeTokenHash().hex());
                setReadiness(s, 4, seat.readiness());
                setOptionalInstant(s, 8, seat.disconnectedAt());
                s.setString(9, seat.id().toString());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public boolean resume(Seat resumed, SecretHash spent) {
        return sql.run("resume a seat", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seat SET resume_token_hash = ?,"
                    + " disconnected_at = NULL WHERE id = ? AND resume_token_hash = ?")) {
                s.setString(1, resumed.resumeTokenHash().hex());
                s.setString(2, resumed.id().toString());
                s.setString(3, spent.hex());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records that the signaling socket holding the seat of {@code id} is on {@code node} now (issue 17): that node's
     * restart marks the seat dropped ({@link #disconnectAllConnected(Instant, String)}), another node's does not.
     */
    public void heldOn(ParticipantId id, String node) {
        sql.run("record a seat's node", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seat SET node = ? WHERE id = ?")) {
                s.setString(1, node);
                s.setString(2, id.toString());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public boolean delete(ParticipantId id) {
        return delete("DELETE FROM seat WHERE id = ?", id.toString()) == 1;
    }

    @Override
    public int deleteAllOf(ConsultationId consultation) {
        return delete("DELETE FROM seat WHERE consultation_id = ?", consultation.toString());
    }

    @Override
    public boolean release(ParticipantId id, Instant at) {
        return release("seat WHERE id = ?", id.toString(), at) == 1;
    }

    @Override
    public int releaseAllOf(ConsultationId consultation, Instant at) {
        return release("seat WHERE consultation_id = ?", consultation.toString(), at);
    }

    /** Keeps the resume tokens of the seats {@code from} selects as released, then deletes those seats. */
    private int release(String from, String key, Instant at) {
        return sql.run("release seats", c -> {
            try (PreparedStatement keep = c.prepareStatement("INSERT INTO released_seat (resume_token_hash,"
                    + " consultation_id, released_at) SELECT resume_token_hash, consultation_id, ? FROM " + from);
                    PreparedStatement delete = c.prepareStatement("DELETE FROM " + from)) {
                keep.setLong(1, nanos(at));
                keep.setString(2, key);
                keep.executeUpdate();
                delete.setString(1, key);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean isReleased(SecretHash resumeTokenHash) {
        return sql.run("find a released seat", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM released_seat WHERE resume_token_hash = ?")) {
                s.setString(1, resumeTokenHash.hex());
                try (ResultSet row = s.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public List<Seat> disconnectedSince(Instant cutoff) {
        return sql.run("list disconnected seats", c -> query(c,
                "WHERE disconnected_at IS NOT NULL AND disconnected_at <= ? ORDER BY arrival", nanos(cutoff)));
    }

    /**
     * Marks every seat still marked connected as disconnected at {@code at}: called once at start, when no connection
     * can exist yet, so that the grace period runs for everyone who was connected before. Single node only: with
     * several nodes use {@link #disconnectAllConnected(Instant, String)}. Returns how many.
     */
    public int disconnectAllConnected(Instant at) {
        return sql.run("mark seats disconnected", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE seat SET disconnected_at = ? WHERE disconnected_at IS NULL")) {
                s.setLong(1, nanos(at));
                return s.executeUpdate();
            }
        });
    }

    /**
     * Marks the seats still marked connected whose socket was on {@code node} (or on no recorded node: seats from
     * before migration V10, or a single node's) as disconnected at {@code at}: called once at {@code node}'s start,
     * so that its restart leaves the other nodes' seats alone. Returns how many.
     */
    public int disconnectAllConnected(Instant at, String node) {
        return sql.run("mark seats disconnected", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seat SET disconnected_at = ?"
                    + " WHERE disconnected_at IS NULL AND (node = ? OR node IS NULL)")) {
                s.setLong(1, nanos(at));
                s.setString(2, node);
                return s.executeUpdate();
            }
        });
    }

    private int delete(String statement, String key) {
        return sql.run("delete seats", c -> {
            try (PreparedStatement s = c.prepareStatement(statement)) {
                s.setString(1, key);
                return s.executeUpdate();
            }
        });
    }

    private static void setReadiness(PreparedStatement s, int first, DeviceReadiness readiness) throws SQLException {
        s.setBoolean(first, readiness.cameraGranted());
        s.setBoolean(first + 1, readiness.microphoneGranted());
        // sensors_online (V2) is no longer reported by the page: the kiosk's own status says it. Kept, always false.
        s.setBoolean(first + 2, false);
        if (readiness.roundTripMillis().isPresent()) {
            s.setInt(first + 3, readiness.roundTripMillis().getAsInt());
        } else {
            s.setNull(first + 3, java.sql.Types.INTEGER);
        }
    }

    private static List<Seat> query(Connection c, String where, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM seat " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = s.executeQuery()) {
                List<Seat> seats = new ArrayList<>();
                while (row.next()) {
                    seats.add(read(row));
                }
                return List.copyOf(seats);
            }
        }
    }

    private static Seat read(ResultSet row) throws SQLException {
        int rtt = row.getInt("round_trip_millis");
        OptionalInt roundTrip = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(rtt);
        DeviceReadiness readiness = new DeviceReadiness(row.getBoolean("camera_granted"),
                row.getBoolean("microphone_granted"), roundTrip);
        return new Seat(new ParticipantId(UUID.fromString(row.getString("id"))),
                ConsultationId.of(row.getString("consultation_id")), new DisplayName(row.getString("display_name")),
                Optional.ofNullable(row.getString("kiosk")).map(KioskId::of),
                Seat.Status.valueOf(row.getString("status")), new SecretHash(row.getString("resume_token_hash")),
                readiness, instant(row.getLong("joined_at")), optionalInstant(row, "disconnected_at"));
    }
}

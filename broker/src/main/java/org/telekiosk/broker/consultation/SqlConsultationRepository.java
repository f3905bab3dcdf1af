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
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreException;
import org.telekiosk.protocol.KioskId;

/**
 * Consultations in the store's database, table {@code consultation} (migration V2). A room consultation keeps its
 * kiosk, a patient consultation the optional name the doctor gave it. Read-modify-write sequences are serialised by
 * {@link ConsultationLocks} on one node (see there for several nodes). Blocking: not on an event loop.
 */
public final class SqlConsultationRepository implements ConsultationRepository {
    private static final String COLUMNS =
            "id, doctor_id, target, kiosk, patient_name, state, created_at, access_until, ended_at";

    private final SqlAccess sql;

    public SqlConsultationRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void insert(Consultation consultation) {
        sql.run("insert a consultation", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO consultation (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, consultation.id().toString());
                s.setString(2, consultation.doctor().toString());
                switch (consultation.target()) {
                    case ConsultationTarget.Room room -> {
                        s.setString(3, "room");
                        s.setString(4, room.kiosk().value());
                        s.setNull(5, java.sql.Types.VARCHAR);
                    }
                    case ConsultationTarget.Patient patient -> {
                        s.setString(3, "patient");
                        s.setNull(4, java.sql.Types.VARCHAR);
                        s.setString(5, patient.displayName().map(DisplayName::value).orElse(null));
                    }
                }
                s.setString(6, consultation.state().name());
                s.setLong(7, nanos(consultation.createdAt()));
                s.setLong(8, nanos(consultation.accessUntil()));
                setOptionalInstant(s, 9, consultation.endedAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Consultation> find(ConsultationId id) {
        return sql.run("find a consultation", c -> {
            List<Consultation> found = query(c, "SELECT " + COLUMNS + " FROM consultation WHERE id = ?",
                    id.toString());
            return found.stream().findFirst();
        });
    }

    @Override
    public void update(Consultation consultation) {
        int updated = sql.run("update a consultation", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE consultation SET state = ?, ended_at = ? WHERE id = ?")) {
                s.setString(1, consultation.state().name());
                setOptionalInstant(s, 2, consultation.endedAt());
                s.setString(3, consultation.id().toString());
                return s.executeUpdate();
            }
        });
        if (updated != 1) {
            throw new IllegalStateException("consultation " + consultation.id() + " does not exist");
        }
    }

    @Override
    public List<Consultation> listOf(AccountId doctor) {
        return sql.run("list consultations", c -> query(c, "SELECT " + COLUMNS
                + " FROM consultation WHERE doctor_id = ? ORDER BY created_at DESC, id", doctor.toString()));
    }

    @Override
    public List<Consultation> openRoomsOf(KioskId kiosk, Instant now) {
        return sql.run("list a kiosk's open rooms", c -> query(c, "SELECT " + COLUMNS
                + " FROM consultation WHERE target = 'room' AND kiosk = ? AND state <> 'ENDED' AND access_until > ?"
                + " ORDER BY created_at DESC, id", kiosk.value(), nanos(now)));
    }

    @Override
    public List<Consultation> openButExpired(Instant now) {
        return sql.run("list expired consultations", c -> query(c, "SELECT " + COLUMNS
                + " FROM consultation WHERE state <> 'ENDED' AND access_until <= ?", nanos(now)));
    }

    /**
     * How many stored consultations are in each state (every state present, 0 when none): one indexed
     * {@code GROUP BY} over {@code consultation_open (state, access_until)}, for the metrics. Blocking.
     * {@link ConsultationState#ENDED} counts the ended consultations still kept ({@code access.consultation-retention}).
     */
    public java.util.Map<ConsultationState, Long> countByState() {
        return sql.run("count consultations by state", c -> {
            java.util.Map<ConsultationState, Long> counts = new java.util.EnumMap<>(ConsultationState.class);
            for (ConsultationState state : ConsultationState.values()) {
                counts.put(state, 0L);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT state, COUNT(*) FROM consultation GROUP BY state");
                    java.sql.ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    counts.put(ConsultationState.valueOf(rows.getString(1)), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    /**
     * Deletes consultations that ended before {@code cutoff}, with their codes and seats (cascade); returns how many.
     * The audit log keeps what happened.
     */
    public int deleteEndedBefore(Instant cutoff) {
        return sql.run("purge ended consultations", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM consultation WHERE state = 'ENDED' AND ended_at < ?")) {
                s.setLong(1, nanos(cutoff));
                return s.executeUpdate();
            }
        });
    }

    private static List<Consultation> query(Connection c, String query, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = s.executeQuery()) {
                List<Consultation> found = new ArrayList<>();
                while (row.next()) {
                    found.add(read(row));
                }
                return List.copyOf(found);
            }
        }
    }

    private static Consultation read(ResultSet row) throws SQLException {
        String target = row.getString("target");
        ConsultationTarget parsed = switch (target) {
            case "room" -> new ConsultationTarget.Room(KioskId.of(row.getString("kiosk")));
            case "patient" -> new ConsultationTarget.Patient(
                    Optional.ofNullable(row.getString("patient_name")).map(DisplayName::new));
            default -> throw new StoreException("consultation target '" + target + "' is unknown", null);
        };
        return new Consultation(ConsultationId.of(row.getString("id")), AccountId.of(row.getString("doctor_id")),
                parsed, ConsultationState.valueOf(row.getString("state")), instant(row.getLong("created_at")),
                instant(row.getLong("access_until")), optionalInstant(row, "ended_at"));
    }

    @Override
    public void callStarted(Seat seat, Instant at) {
        sql.run("record an admission", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO consultation_call (consultation_id,"
                    + " participant_id, kiosk, admitted_at, left_at) VALUES (?, ?, ?, ?, NULL)")) {
                s.setString(1, seat.consultation().toString());
                s.setString(2, seat.id().toString());
                s.setString(3, seat.kiosk().map(KioskId::value).orElse(null));
                s.setLong(4, nanos(at));
                return s.executeUpdate();
            }
        });
    }

    @Override
    public void callEnded(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        sql.run("record the end of a call", c -> {
            // A clock that stepped back must not make a period end before it began.
            try (PreparedStatement s = c.prepareStatement("UPDATE consultation_call SET left_at = CASE WHEN"
                    + " admitted_at > ? THEN admitted_at ELSE ? END WHERE consultation_id = ? AND left_at IS NULL"
                    + (participant.isPresent() ? " AND participant_id = ?" : ""))) {
                s.setLong(1, nanos(at));
                s.setLong(2, nanos(at));
                s.setString(3, consultation.toString());
                if (participant.isPresent()) {
                    s.setString(4, participant.get().toString());
                }
                return s.executeUpdate();
            }
        });
    }

    @Override
    public List<CallPeriod> calls(ConsultationId consultation) {
        return sql.run("list a consultation's calls", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT participant_id, kiosk, admitted_at, left_at"
                    + " FROM consultation_call WHERE consultation_id = ? ORDER BY admitted_at, participant_id")) {
                s.setString(1, consultation.toString());
                try (ResultSet row = s.executeQuery()) {
                    List<CallPeriod> found = new ArrayList<>();
                    while (row.next()) {
                        found.add(new CallPeriod(consultation, new ParticipantId(java.util.UUID.fromString(row.getString("participant_id"))),
                                Optional.ofNullable(row.getString("kiosk")).map(KioskId::of),
                                instant(row.getLong("admitted_at")), optionalInstant(row, "left_at")));
                    }
                    return List.copyOf(found);
                }
            }
        });
    }

    @Override
    public List<CallPeriod> openCallsAt(KioskId kiosk) {
        return sql.run("list a kiosk's open calls", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT consultation_id, participant_id, admitted_at"
                    + " FROM consultation_call WHERE kiosk = ? AND left_at IS NULL"
                    + " ORDER BY admitted_at, participant_id")) {
                s.setString(1, kiosk.value());
                try (ResultSet row = s.executeQuery()) {
                    List<CallPeriod> found = new ArrayList<>();
                    while (row.next()) {
                        found.add(new CallPeriod(
                                new ConsultationId(java.util.UUID.fromString(row.getString("consultation_id"))),
                                new ParticipantId(java.util.UUID.fromString(row.getString("participant_id"))),
                                Optional.of(kiosk), instant(row.getLong("admitted_at")), Optional.empty()));
                    }
                    return List.copyOf(found);
                }
            }
        });
    }
}

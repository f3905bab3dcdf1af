package org.telekiosk.broker.command;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.CommandKind;

/**
 * Commands in the store's database, table {@code kiosk_command} (migration V5). A state change is one conditional
 * {@code UPDATE} (still in the state it was read in), so that an expiry and a kiosk's report cannot both win.
 */
public final class SqlCommandRepository implements CommandRepository {
    private static final String COLUMNS = "id, consultation_id, kiosk, kind, seconds, state, reason, result_seqs,"
            + " published, issued_at, expires_at, updated_at";
    private final SqlAccess sql;

    public SqlCommandRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void insert(CommandRecord c) {
        sql.run("insert a command", conn -> {
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO kiosk_command (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, c.id().toString());
                s.setString(2, c.consultation().toString());
                s.setString(3, c.kiosk().value());
                s.setString(4, c.kind().name());
                s.setInt(5, c.seconds());
                s.setString(6, c.status().name());
                s.setString(7, c.reason());
                s.setString(8, seqs(c.resultSeqs()));
                s.setBoolean(9, c.published());
                s.setLong(10, nanos(c.issuedAt()));
                s.setLong(11, nanos(c.expiresAt()));
                s.setLong(12, nanos(c.updatedAt()));
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<CommandRecord> find(UUID id) {
        List<CommandRecord> found = query("find a command", "WHERE id = ?", s -> s.setString(1, id.toString()));
        return found.stream().findFirst();
    }

    @Override
    public boolean update(CommandRecord c, CommandStatus from) {
        return sql.run("update a command", conn -> {
            try (PreparedStatement s = conn.prepareStatement("UPDATE kiosk_command SET state = ?, reason = ?,"
                    + " result_seqs = ?, updated_at = ? WHERE id = ? AND state = ?")) {
                s.setString(1, c.status().name());
                s.setString(2, c.reason());
                s.setString(3, seqs(c.resultSeqs()));
                s.setLong(4, nanos(c.updatedAt()));
                s.setString(5, c.id().toString());
                s.setString(6, from.name());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void markPublished(UUID id) {
        sql.run("mark a command published", conn -> {
            try (PreparedStatement s = conn.prepareStatement("UPDATE kiosk_command SET published = ? WHERE id = ?")) {
                s.setBoolean(1, true);
                s.setString(2, id.toString());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public List<CommandRecord> ofConsultation(ConsultationId consultation) {
        return query("list a consultation's commands", "WHERE consultation_id = ? ORDER BY issued_at, id",
                s -> s.setString(1, consultation.toString()));
    }

    @Override
    public boolean hasOpen(KioskId kiosk, CommandKind kind) {
        return !query("look for an open command", "WHERE kiosk = ? AND kind = ? AND state IN ('QUEUED', 'RUNNING')",
                s -> {
                    s.setString(1, kiosk.value());
                    s.setString(2, kind.name());
                }).isEmpty();
    }

    @Override
    public List<CommandRecord> openExpiredBy(Instant now) {
        return query("find expired commands", "WHERE state IN ('QUEUED', 'RUNNING') AND expires_at <= ?",
                s -> s.setLong(1, nanos(now)));
    }

    @Override
    public List<CommandRecord> unpublished(Instant now) {
        return query("find unpublished commands", "WHERE state = 'QUEUED' AND published = ? AND expires_at > ?",
                s -> {
                    s.setBoolean(1, false);
                    s.setLong(2, nanos(now));
                });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private List<CommandRecord> query(String what, String where, Binder binder) {
        return sql.run(what, conn -> {
            try (PreparedStatement s = conn.prepareStatement("SELECT " + COLUMNS + " FROM kiosk_command " + where)) {
                binder.bind(s);
                try (ResultSet row = s.executeQuery()) {
                    List<CommandRecord> out = new ArrayList<>();
                    while (row.next()) {
                        out.add(new CommandRecord(UUID.fromString(row.getString("id")),
                                ConsultationId.of(row.getString("consultation_id")),
                                KioskId.of(row.getString("kiosk")), CommandKind.valueOf(row.getString("kind")),
                                row.getInt("seconds"), CommandStatus.valueOf(row.getString("state")),
                                row.getString("reason"), seqs(row.getString("result_seqs")),
                                row.getBoolean("published"), instant(row.getLong("issued_at")),
                                instant(row.getLong("expires_at")), instant(row.getLong("updated_at"))));
                    }
                    return out;
                }
            }
        });
    }

    private static String seqs(List<Long> seqs) {
        return seqs.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Long> seqs(String text) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(Long::valueOf).toList();
    }
}

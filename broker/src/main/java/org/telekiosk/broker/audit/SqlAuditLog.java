package org.telekiosk.broker.audit;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.telekiosk.broker.store.SqlAccess;

/**
 * The audit log in the store's database, table {@code audit_event} (migration V2), in the order events were
 * recorded. Purged by the broker's periodic task after {@code audit.retention}. Blocking: not on an event loop.
 */
public final class SqlAuditLog implements AuditLog {
    private static final String COLUMNS = "at, actor, action, subject, detail, consultation";
    private final SqlAccess sql;

    public SqlAuditLog(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void record(AuditEvent event) {
        sql.run("record an audit event", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO audit_event (at, actor, action, subject, detail, consultation) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setLong(1, nanos(event.at()));
                s.setString(2, event.actor().value());
                s.setString(3, event.action().name());
                s.setString(4, event.subject());
                s.setString(5, event.detail());
                s.setString(6, event.consultation());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public List<AuditEvent> since(Instant from) {
        return sql.run("read the audit log", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_event"
                    + " WHERE at >= ? ORDER BY at, position")) {
                s.setLong(1, nanos(from));
                try (ResultSet row = s.executeQuery()) {
                    List<AuditEvent> events = new ArrayList<>();
                    while (row.next()) {
                        events.add(read(row));
                    }
                    return List.copyOf(events);
                }
            }
        });
    }

    @Override
    public List<AuditEntry> page(AuditQuery query) {
        return sql.run("read a page of the audit log", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT position, " + COLUMNS + " FROM audit_event"
                    + " WHERE position < ? AND (? = '' OR consultation = ?) ORDER BY position DESC LIMIT ?")) {
                s.setLong(1, query.before().orElse(Long.MAX_VALUE));
                s.setString(2, query.consultation());
                s.setString(3, query.consultation());
                s.setInt(4, query.limit());
                try (ResultSet row = s.executeQuery()) {
                    List<AuditEntry> entries = new ArrayList<>();
                    while (row.next()) {
                        entries.add(new AuditEntry(row.getLong("position"), read(row)));
                    }
                    return List.copyOf(entries);
                }
            }
        });
    }

    private static AuditEvent read(ResultSet row) throws java.sql.SQLException {
        return new AuditEvent(instant(row.getLong("at")), new AuditActor(row.getString("actor")),
                AuditAction.valueOf(row.getString("action")), row.getString("subject"), row.getString("detail"),
                row.getString("consultation"));
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return sql.run("purge the audit log", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM audit_event WHERE at < ?")) {
                s.setLong(1, nanos(cutoff));
                return s.executeUpdate();
            }
        });
    }
}

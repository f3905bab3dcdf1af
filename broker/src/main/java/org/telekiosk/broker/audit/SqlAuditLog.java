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
    private final SqlAccess sql;

    public SqlAuditLog(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void record(AuditEvent event) {
        sql.run("record an audit event", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO audit_event (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")) {
                s.setLong(1, nanos(event.at()));
                s.setString(2, event.actor().value());
                s.setString(3, event.action().name());
                s.setString(4, event.subject());
                s.setString(5, event.detail());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public List<AuditEvent> since(Instant from) {
        return sql.run("read the audit log", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT at, actor, action, subject, detail FROM audit_event"
                    + " WHERE at >= ? ORDER BY at, position")) {
                s.setLong(1, nanos(from));
                try (ResultSet row = s.executeQuery()) {
                    List<AuditEvent> events = new ArrayList<>();
                    while (row.next()) {
                        events.add(new AuditEvent(instant(row.getLong("at")), new AuditActor(row.getString("actor")),
                                AuditAction.valueOf(row.getString("action")), row.getString("subject"),
                                row.getString("detail")));
                    }
                    return List.copyOf(events);
                }
            }
        });
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

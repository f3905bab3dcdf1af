package org.telekiosk.broker.consultation;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;
import static org.telekiosk.broker.store.SqlAccess.optionalInstant;
import static org.telekiosk.broker.store.SqlAccess.setOptionalInstant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.store.SqlAccess;

/**
 * Join codes in the store's database, table {@code join_code} (migration V2), by their keyed hash (the key lives in
 * the data directory, not in the database). {@link #markRedeemed} is one conditional {@code UPDATE}, which is what
 * keeps a code single-use even across broker nodes. Blocking: not on an event loop.
 */
public final class SqlJoinCodeRepository implements JoinCodeRepository {
    private final SqlAccess sql;

    public SqlJoinCodeRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public boolean insert(JoinCodeRecord code) {
        return sql.run("insert a join code", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO join_code (code_hash, consultation_id,"
                    + " doctor_id, issued_at, expires_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (code_hash) DO NOTHING")) {
                s.setString(1, code.codeHash().hex());
                s.setString(2, code.consultation().toString());
                s.setString(3, code.doctor().toString());
                s.setLong(4, nanos(code.issuedAt()));
                s.setLong(5, nanos(code.expiresAt()));
                setOptionalInstant(s, 6, code.redeemedAt());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<JoinCodeRecord> find(SecretHash codeHash) {
        return sql.run("find a join code", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT code_hash, consultation_id, doctor_id, issued_at,"
                    + " expires_at, redeemed_at FROM join_code WHERE code_hash = ?")) {
                s.setString(1, codeHash.hex());
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new JoinCodeRecord(new SecretHash(row.getString("code_hash")),
                            ConsultationId.of(row.getString("consultation_id")),
                            AccountId.of(row.getString("doctor_id")), instant(row.getLong("issued_at")),
                            instant(row.getLong("expires_at")), optionalInstant(row, "redeemed_at")));
                }
            }
        });
    }

    @Override
    public boolean markRedeemed(SecretHash codeHash, Instant at) {
        return sql.run("redeem a join code", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE join_code SET redeemed_at = ? WHERE code_hash = ? AND redeemed_at IS NULL")) {
                s.setLong(1, nanos(at));
                s.setString(2, codeHash.hex());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int deleteAllOf(ConsultationId consultation) {
        return sql.run("revoke join codes", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM join_code WHERE consultation_id = ?")) {
                s.setString(1, consultation.toString());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        return sql.run("purge join codes", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM join_code WHERE expires_at <= ?")) {
                s.setLong(1, nanos(now));
                return s.executeUpdate();
            }
        });
    }
}

package org.telekiosk.broker.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.broker.store.Dialect;
import org.telekiosk.broker.store.SqlAccess;

/**
 * A {@link FailureThrottle}'s counts in PostgreSQL's {@code failure_count}, shared by every broker node on the
 * database, so that N nodes do not give a guesser N times the guesses (docs/security.md). One row per scope and key
 * (the key's SHA-256, never the login name or address itself): a failure is one atomic upsert that counts on from
 * what any node recorded; a check is one read by primary key; a success deletes the row (nothing to write when there
 * is none). Rows forgotten by the policy are purged now and then by the node that records a failure. Blocking:
 * called on the API's and the join codes' threads, which already read the database for the same request, never on an
 * event loop.
 */
public final class SqlFailureLedger implements FailureThrottle.Ledger {
    /** How often, at most, a node purges forgotten rows. */
    private static final long PURGE_EVERY_NANOS = 60_000_000_000L;

    private final SqlAccess sql;
    private final String scope;
    private final LockoutPolicy policy;
    private final AtomicLong lastPurge = new AtomicLong(Long.MIN_VALUE);

    /** @param scope what the keys are ({@code login-name}, {@code login-address}, {@code join-code-address}) */
    public SqlFailureLedger(SqlAccess sql, String scope, LockoutPolicy policy) {
        this.sql = Objects.requireNonNull(sql, "sql");
        if (sql.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("shared failure counts need PostgreSQL (SQLite keeps them in memory)");
        }
        this.scope = Objects.requireNonNull(scope, "scope");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Optional<FailureThrottle.Entry> entry(String key, Instant now) {
        return sql.run("read the failures of a " + scope, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT failures, last_failure, locked_until "
                    + "FROM failure_count WHERE scope = ? AND key_hash = ?")) {
                s.setString(1, scope);
                s.setString(2, hash(key));
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<FailureThrottle.Entry>empty();
                    }
                    FailureThrottle.Entry entry = new FailureThrottle.Entry(row.getInt(1),
                            SqlAccess.instant(row.getLong(2)), SqlAccess.instant(row.getLong(3)));
                    return forgotten(entry, now) ? Optional.<FailureThrottle.Entry>empty() : Optional.of(entry);
                }
            }
        });
    }

    @Override
    public void recordFailure(String key, Instant now) {
        long nowNanos = SqlAccess.nanos(now);
        long forgetBefore = SqlAccess.nanos(now.minus(policy.forgetAfter()));
        sql.run("count a failure of a " + scope, c -> {
            c.setAutoCommit(false);
            try {
                int failures;
                // A forgotten row (quiet for forgetAfter, not locked) starts again at 1, as in memory.
                try (PreparedStatement s = c.prepareStatement("INSERT INTO failure_count (scope, key_hash, failures, "
                        + "last_failure, locked_until) VALUES (?, ?, 1, ?, ?) ON CONFLICT (scope, key_hash) DO UPDATE "
                        + "SET failures = CASE WHEN failure_count.last_failure <= ? AND failure_count.locked_until <= ? "
                        + "THEN 1 ELSE failure_count.failures + 1 END, last_failure = excluded.last_failure "
                        + "RETURNING failures")) {
                    s.setString(1, scope);
                    s.setString(2, hash(key));
                    s.setLong(3, nowNanos);
                    s.setLong(4, nowNanos);
                    s.setLong(5, forgetBefore);
                    s.setLong(6, nowNanos);
                    try (ResultSet row = s.executeQuery()) {
                        row.next();
                        failures = row.getInt(1);
                    }
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE failure_count SET locked_until = "
                        + "GREATEST(locked_until, ?) WHERE scope = ? AND key_hash = ?")) {
                    s.setLong(1, SqlAccess.nanos(now.plus(policy.lockoutAfter(failures))));
                    s.setString(2, scope);
                    s.setString(3, hash(key));
                    s.executeUpdate();
                }
                c.commit();
            } catch (java.sql.SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return null;
        });
        long last = lastPurge.get();
        if ((last == Long.MIN_VALUE || System.nanoTime() - last > PURGE_EVERY_NANOS)
                && lastPurge.compareAndSet(last, System.nanoTime())) {
            sql.run("purge forgotten failures", c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM failure_count WHERE scope = ? "
                        + "AND last_failure <= ? AND locked_until <= ?")) {
                    s.setString(1, scope);
                    s.setLong(2, forgetBefore);
                    s.setLong(3, nowNanos);
                    s.executeUpdate();
                }
                return null;
            });
        }
    }

    @Override
    public void reset(String key) {
        sql.run("forget the failures of a " + scope, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM failure_count WHERE scope = ? AND key_hash = ?")) {
                s.setString(1, scope);
                s.setString(2, hash(key));
                s.executeUpdate();
            }
            return null;
        });
    }

    private boolean forgotten(FailureThrottle.Entry entry, Instant now) {
        return !now.isBefore(entry.lastFailure().plus(policy.forgetAfter())) && !now.isBefore(entry.lockedUntil());
    }

    private static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package org.telekiosk.broker.kioskpage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosk page tokens waiting to be redeemed, table {@code kiosk_page_token} (migration V9), shared by every broker
 * node on the database: a token issued by one node is redeemed at whichever the page reaches, once (one
 * {@code DELETE … RETURNING}). Blocking.
 */
final class PageTokenTable {
    /** A token waiting to be redeemed. */
    record Pending(KioskId kiosk, Instant expiresAt) {}

    private final SqlAccess sql;

    PageTokenTable(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    /** Keeps {@code hash} for {@code kiosk} until {@code expiresAt}, and forgets the tokens expired by {@code now}. */
    void add(SecretHash hash, KioskId kiosk, Instant expiresAt, Instant now) {
        sql.run("keep a kiosk page token", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM kiosk_page_token WHERE expires_at <= ?")) {
                s.setLong(1, SqlAccess.nanos(now));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO kiosk_page_token (token_hash, kiosk, expires_at) VALUES (?, ?, ?)")) {
                s.setString(1, hash.hex());
                s.setString(2, kiosk.value());
                s.setLong(3, SqlAccess.nanos(expiresAt));
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Removes and returns the token {@code hash}, if it is waiting; a second call for it finds nothing. */
    Optional<Pending> take(SecretHash hash) {
        return sql.run("redeem a kiosk page token", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM kiosk_page_token WHERE token_hash = ? RETURNING kiosk, expires_at")) {
                s.setString(1, hash.hex());
                try (ResultSet row = s.executeQuery()) {
                    return row.next()
                            ? Optional.of(new Pending(KioskId.of(row.getString(1)), SqlAccess.instant(row.getLong(2))))
                            : Optional.empty();
                }
            }
        });
    }
}

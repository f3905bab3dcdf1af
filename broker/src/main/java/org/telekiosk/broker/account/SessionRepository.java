package org.telekiosk.broker.account;

import java.time.Instant;
import java.util.Optional;
import org.telekiosk.protocol.KioskId;

/**
 * Where sessions live, keyed by the hash of their token. Plain records in and out, so that a SQL-backed
 * implementation (SQLite/PostgreSQL, with the measurement store) is one table {@code login_session(token_hash primary
 * key, account_id or kiosk, created_at, last_used_at, expires_at)}. Implementations are thread-safe.
 */
public interface SessionRepository {
    void insert(SessionRecord session);

    Optional<SessionRecord> find(SecretHash tokenHash);

    /** Records a use; does nothing if the session is gone. */
    void touch(SecretHash tokenHash, Instant at);

    /** Deletes one session; returns whether it existed. */
    boolean delete(SecretHash tokenHash);

    /** Deletes every session of {@code account}; returns how many. */
    int deleteAllOf(AccountId account);

    /** Deletes every kiosk page session of {@code kiosk} (it was revoked); returns how many. */
    int deleteAllOf(KioskId kiosk);

    /** Deletes sessions past {@code now} or last used before {@code idleCutoff}; returns how many. */
    int deleteStale(Instant now, Instant idleCutoff);
}

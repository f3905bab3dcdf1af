package org.telekiosk.broker.account;

import java.util.Objects;

/**
 * An account with its password hash, as the {@link AccountRepository} keeps it. The hash is a PHC string
 * ({@code $argon2id$v=19$m=…,t=…,p=…$salt$tag}, see {@link PasswordHasher}); it is kept out of {@link #toString()}
 * so that it never reaches a log.
 */
public record StoredAccount(Account account, String passwordHash) {
    public StoredAccount {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    public StoredAccount withPasswordHash(String hash) {
        return new StoredAccount(account, hash);
    }

    @Override
    public String toString() {
        return "StoredAccount[account=" + account + ", passwordHash=(redacted)]";
    }
}

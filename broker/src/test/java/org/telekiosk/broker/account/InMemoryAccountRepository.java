package org.telekiosk.broker.account;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts in memory, for the services' tests; the broker uses {@link SqlAccountRepository}. Thread-safe: every method holds this object's monitor.
 */
public final class InMemoryAccountRepository implements AccountRepository {
    private final Map<AccountId, StoredAccount> byId = new HashMap<>();
    private final Map<LoginName, AccountId> byLoginName = new HashMap<>();

    @Override
    public synchronized Optional<StoredAccount> findByLoginName(LoginName loginName) {
        return Optional.ofNullable(byLoginName.get(loginName)).map(byId::get);
    }

    @Override
    public synchronized Optional<StoredAccount> findById(AccountId id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized boolean anyAccountHas(Role role) {
        return byId.values().stream().anyMatch(a -> a.account().role() == role);
    }

    @Override
    public synchronized InsertResult insert(StoredAccount account) {
        if (byLoginName.containsKey(account.account().loginName())) {
            return InsertResult.LOGIN_NAME_TAKEN;
        }
        byId.put(account.account().id(), account);
        byLoginName.put(account.account().loginName(), account.account().id());
        return InsertResult.INSERTED;
    }

    @Override
    public synchronized InsertResult insertIfNoAccountHas(Role role, StoredAccount account) {
        if (anyAccountHas(role)) {
            return InsertResult.ROLE_ALREADY_PRESENT;
        }
        return insert(account);
    }

    @Override
    public synchronized List<Account> all() {
        return byId.values().stream().map(StoredAccount::account)
                .sorted(Comparator.comparing(a -> a.loginName().value())).toList();
    }

    @Override
    public synchronized void updatePasswordHash(AccountId id, String passwordHash) {
        byId.computeIfPresent(id, (key, stored) -> stored.withPasswordHash(passwordHash));
    }
}

package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;

/**
 * Join codes in memory, for the services' tests; the broker uses {@link SqlJoinCodeRepository}. Thread-safe.
 */
public final class InMemoryJoinCodeRepository implements JoinCodeRepository {
    private final ConcurrentHashMap<SecretHash, JoinCodeRecord> codes = new ConcurrentHashMap<>();

    @Override
    public boolean insert(JoinCodeRecord code) {
        return codes.putIfAbsent(code.codeHash(), code) == null;
    }

    @Override
    public Optional<JoinCodeRecord> find(SecretHash codeHash) {
        return Optional.ofNullable(codes.get(codeHash));
    }

    @Override
    public boolean markRedeemed(SecretHash codeHash, Instant at) {
        AtomicBoolean marked = new AtomicBoolean();
        codes.computeIfPresent(codeHash, (hash, code) -> {
            if (code.redeemedAt().isPresent()) {
                return code;
            }
            marked.set(true);
            return new JoinCodeRecord(code.codeHash(), code.consultation(), code.doctor(), code.issuedAt(),
                    code.expiresAt(), Optional.of(at));
        });
        return marked.get();
    }

    @Override
    public int deleteAllOf(ConsultationId consultation) {
        int before = codes.size();
        codes.values().removeIf(code -> code.consultation().equals(consultation));
        return before - codes.size();
    }

    @Override
    public int deleteExpired(Instant now) {
        int before = codes.size();
        codes.values().removeIf(code -> !now.isBefore(code.expiresAt()));
        return before - codes.size();
    }
}

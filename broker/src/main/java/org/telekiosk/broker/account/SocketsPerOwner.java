package org.telekiosk.broker.account;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many sockets of one kind (vitals, signaling) each owner (a doctor account, a kiosk's page) holds open, capped at
 * a maximum: 5,000 vitals sockets for one doctor were accepted before. Thread-safe; the count of an owner is forgotten
 * when it reaches 0.
 */
public final class SocketsPerOwner {
    private final int max;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    public SocketsPerOwner(int max) {
        this.max = max;
    }

    /**
     * One more socket for {@code owner}: the way to give it back (idempotent), or empty if the owner holds
     * {@code max} already.
     */
    public Optional<Runnable> open(String owner) {
        boolean[] taken = {false};
        open.compute(owner, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= max) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
            }
        });
    }

    /** Sockets {@code owner} holds now. */
    public int held(String owner) {
        return open.getOrDefault(owner, 0);
    }
}

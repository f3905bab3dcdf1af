package org.telekiosk.broker.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;

/**
 * At most {@code maxAttempts} login attempts per client address in a window of {@code window} (fixed windows, starting
 * with an address's first attempt), right or wrong, known name or not: each attempt costs an Argon2id hash, so one
 * address cannot buy more than its share of them. In the injected clock's time; at most {@value #MAX_TRACKED}
 * addresses are remembered (the one whose window started longest ago goes first). Thread-safe.
 */
final class LoginRate {
    static final int MAX_TRACKED = 100_000;

    private record Window(Instant start, int attempts) {}

    private final Clock clock;
    private final int maxAttempts;
    private final Duration window;
    private final LinkedHashMap<ClientAddress, Window> windows = new LinkedHashMap<>();

    LoginRate(Clock clock, int maxAttempts, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (maxAttempts < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("maxAttempts and window must be positive");
        }
        this.maxAttempts = maxAttempts;
    }

    /** The default: 30 attempts per address per minute (a practice of doctors behind one address logging in at once). */
    static LoginRate withDefaults(Clock clock) {
        return new LoginRate(clock, 30, Duration.ofMinutes(1));
    }

    /** Counts an attempt from {@code from}, or says how long it must wait (the attempt is then not counted). */
    synchronized Optional<Duration> attempt(ClientAddress from) {
        Instant now = clock.instant();
        Window current = windows.get(from);
        if (current == null || !now.isBefore(current.start().plus(window))) {
            windows.remove(from);
            current = new Window(now, 0);
        }
        if (current.attempts() >= maxAttempts) {
            return Optional.of(Duration.between(now, current.start().plus(window)));
        }
        windows.put(from, new Window(current.start(), current.attempts() + 1));
        while (windows.size() > MAX_TRACKED) {
            windows.pollFirstEntry();
        }
        return Optional.empty();
    }
}

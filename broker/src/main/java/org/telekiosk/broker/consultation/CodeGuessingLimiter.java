package org.telekiosk.broker.consultation;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.FailureThrottle;
import org.telekiosk.broker.account.LockoutPolicy;
import org.telekiosk.broker.account.SlidingWindowLimit;

/**
 * Limits join-code guessing per client address (exponential lockout, {@link LockoutPolicy#JOIN_CODE}) and globally
 * (at most {@code maxWrongCodes} wrong codes in any {@code window} from all addresses together), so that no botnet
 * gets around it. With the defaults (100 per 15 minutes, about 3.5 million a year) and even 10,000 valid codes at
 * once, a year of guessing finds one with a probability of about 10,000 · 3.5·10<sup>6</sup> / 2.6·10<sup>13</sup>
 * ≈ 0.1 %, and codes live 24 hours by default. While a limit holds, no code is even checked, a right one included:
 * a check would tell the guesser something.
 */
public final class CodeGuessingLimiter {
    private final FailureThrottle<ClientAddress> byAddress;
    private final SlidingWindowLimit global;

    public CodeGuessingLimiter(Clock clock, LockoutPolicy perAddress, int maxWrongCodes, Duration window) {
        Objects.requireNonNull(clock, "clock");
        this.byAddress = new FailureThrottle<>(clock, perAddress);
        this.global = new SlidingWindowLimit(clock, maxWrongCodes, window);
    }

    /** The defaults described above. */
    public static CodeGuessingLimiter withDefaults(Clock clock) {
        return new CodeGuessingLimiter(clock, LockoutPolicy.JOIN_CODE, 100, Duration.ofMinutes(15));
    }

    /** How long {@code address} must wait before a code from it is checked, or empty if now. */
    public Optional<Duration> retryAfter(ClientAddress address) {
        Optional<Duration> own = byAddress.retryAfter(address);
        Optional<Duration> all = global.retryAfter();
        if (own.isEmpty()) {
            return all;
        }
        if (all.isEmpty()) {
            return own;
        }
        return Optional.of(own.get().compareTo(all.get()) >= 0 ? own.get() : all.get());
    }

    public void wrongCode(ClientAddress address) {
        byAddress.recordFailure(address);
        global.record();
    }
}

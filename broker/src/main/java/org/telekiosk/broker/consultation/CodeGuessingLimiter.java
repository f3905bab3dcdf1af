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
 * Limits join-code guessing so that it cannot be turned against patients:
 * <ul>
 *   <li>per client address, an exponential lockout ({@link LockoutPolicy#JOIN_CODE}); a right code forgets the
 *       address's failures (a kiosk shared by patients who mistype);</li>
 *   <li>a global guard: once more than {@code maxWrongCodes} wrong codes arrived in {@code window} from all addresses
 *       together, every address that guessed wrong must wait {@code guardDelay} after its last wrong code before the
 *       next check. It slows guessers down; it refuses nobody who has not guessed wrong, so a valid code from an
 *       address without failures is always checked.</li>
 * </ul>
 * While a limit holds for an address, no code from it is checked, a right one included: a check would tell the
 * guesser something. The numbers and the arithmetic behind them are in docs/security.md.
 */
public final class CodeGuessingLimiter {
    private final FailureThrottle<ClientAddress> byAddress;
    private final SlidingWindowLimit global;
    private final Duration guardDelay;

    public CodeGuessingLimiter(Clock clock, LockoutPolicy perAddress, int maxWrongCodes, Duration window,
            Duration guardDelay) {
        this(clock, perAddress, maxWrongCodes, window, guardDelay, null);
    }

    /**
     * @param shared the per-address counts shared by the nodes on one PostgreSQL ({@link SqlFailureLedger}, scope
     *               {@code join-code-address}), or null for this node's memory. The global guard stays per node: it
     *               only spaces addresses that already guessed wrong (docs/security.md)
     */
    public CodeGuessingLimiter(Clock clock, LockoutPolicy perAddress, int maxWrongCodes, Duration window,
            Duration guardDelay, FailureThrottle.Ledger shared) {
        Objects.requireNonNull(clock, "clock");
        this.guardDelay = Objects.requireNonNull(guardDelay, "guardDelay");
        if (guardDelay.isNegative() || guardDelay.isZero() || guardDelay.compareTo(perAddress.forgetAfter()) > 0) {
            throw new IllegalArgumentException("guardDelay must be positive and at most forgetAfter");
        }
        this.byAddress = new FailureThrottle<>(clock, perAddress, shared);
        this.global = new SlidingWindowLimit(clock, maxWrongCodes, window);
    }

    /** The defaults: {@link LockoutPolicy#JOIN_CODE}, guard after 100 wrong codes in 15 minutes, 60 s delay. */
    public static CodeGuessingLimiter withDefaults(Clock clock) {
        return new CodeGuessingLimiter(clock, LockoutPolicy.JOIN_CODE, 100, Duration.ofMinutes(15),
                Duration.ofSeconds(60));
    }

    /** How long {@code address} must wait before a code from it is checked, or empty if now. */
    public Optional<Duration> retryAfter(ClientAddress address) {
        Optional<Duration> own = byAddress.retryAfter(address);
        Optional<Duration> guard = guardDelay(address);
        if (own.isEmpty()) {
            return guard;
        }
        if (guard.isEmpty()) {
            return own;
        }
        return Optional.of(own.get().compareTo(guard.get()) >= 0 ? own.get() : guard.get());
    }

    private Optional<Duration> guardDelay(ClientAddress address) {
        if (global.retryAfter().isEmpty()) {
            return Optional.empty();
        }
        return byAddress.sinceLastFailure(address).filter(since -> since.compareTo(guardDelay) < 0)
                .map(guardDelay::minus);
    }

    public void wrongCode(ClientAddress address) {
        byAddress.recordFailure(address);
        global.record();
    }

    /** A right code from {@code address}: its failures are forgotten (the next patient at a kiosk starts clean). */
    public void rightCode(ClientAddress address) {
        byAddress.reset(address);
    }
}

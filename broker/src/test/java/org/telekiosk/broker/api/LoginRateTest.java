package org.telekiosk.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.testing.MutableClock;

class LoginRateTest {
    final MutableClock clock = MutableClock.startingAt("2026-11-22T08:00:00Z");
    final LoginRate rate = LoginRate.withDefaults(clock);
    final ClientAddress practice = ClientAddress.parse("192.0.2.10");

    @Test
    void thirtyAttemptsPerMinutePerAddressThenAWaitUntilTheWindowEnds() {
        for (int i = 0; i < 30; i++) {
            assertEquals(Optional.empty(), rate.attempt(practice));
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(Optional.of(Duration.ofSeconds(30)), rate.attempt(practice));
        assertEquals(Optional.empty(), rate.attempt(ClientAddress.parse("192.0.2.11")), "another address is free");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Optional.empty(), rate.attempt(practice));
    }

    @Test
    void aRefusedAttemptDoesNotExtendTheWait() {
        for (int i = 0; i < 40; i++) {
            rate.attempt(practice);
        }
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), rate.attempt(practice));
    }
}

package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.telekiosk.broker.consultation.ConsultationTestKit.KIOSK_ADDRESS;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.request.Refusal;

/**
 * The join-code guessing limits with their defaults ({@link CodeGuessingLimiter#withDefaults}) cannot be turned
 * against patients: guessing from many addresses slows the guessers but refuses nobody else, and a kiosk shared by
 * patients who mistype locks the next patient out for at most 30 s.
 */
class JoinCodeGuessingTest {
    private final ConsultationTestKit kit = new ConsultationTestKit();
    private final JoinCodes codes = new JoinCodes(kit.stores, JoinCodeHasher.withRandomKey(kit.random),
            CodeGuessingLimiter.withDefaults(kit.clock), kit.policy, kit.random, kit.clock);
    private final Consultation consultation = kit.patientConsultation(kit.doctor);

    private String freshCode() {
        return done(codes.issue(kit.doctor, consultation.id())).code().formatted();
    }

    private static ClientAddress attacker(int i) {
        return ClientAddress.parse("198.51.100." + (i % 21 + 1));
    }

    @Test
    void wrongCodesFromManyAddressesDoNotLockOutAValidCodeFromAFreshAddress() {
        // The reported attack: 100 wrong codes from 21 addresses, and then 400 more, within a few minutes.
        for (int i = 0; i < 500; i++) {
            codes.redeem("ZZZ-ZZZ-ZZZ", attacker(i), Optional.empty());
            kit.clock.advance(Duration.ofMillis(200));
        }
        done(codes.redeem(freshCode(), ClientAddress.parse("192.0.2.77"), Optional.empty()));
        done(codes.redeem(freshCode(), KIOSK_ADDRESS, Optional.empty()));
    }

    @Test
    void whileTheGlobalGuardHoldsEachGuesserGetsOneCheckPerMinute() {
        // 100 wrong codes from 21 addresses (each below its own limit of 10) trip the guard.
        for (int i = 0; i < 100; i++) {
            codes.redeem("ZZZ-ZZZ-ZZZ", attacker(i), Optional.empty());
        }
        ClientAddress guesser = attacker(99);
        String valid = freshCode();
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(60)),
                refusal(codes.redeem(valid, guesser, Optional.empty())));
        kit.clock.advance(Duration.ofSeconds(45));
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(15)),
                refusal(codes.redeem(valid, guesser, Optional.empty())));
        kit.clock.advance(Duration.ofSeconds(15));
        assertEquals(new Refusal.InvalidCode(), refusal(codes.redeem("ZZZ-ZZZ-ZZZ", guesser, Optional.empty())));
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(60)),
                refusal(codes.redeem(valid, guesser, Optional.empty())));
        // Without the guard (15 minutes later, the window empty) the address is only under its own limit again.
        kit.clock.advance(Duration.ofMinutes(15));
        done(codes.redeem(valid, guesser, Optional.empty()));
    }

    @Test
    void aKioskSharedByPatientsWhoMistypeKeepsLettingTheNextPatientIn() {
        for (int patient = 0; patient < 50; patient++) {
            for (int typo = 0; typo < 4; typo++) {
                assertEquals(new Refusal.InvalidCode(),
                        refusal(codes.redeem("ZZZ-ZZZ-ZZZ", KIOSK_ADDRESS, Optional.empty())));
            }
            done(codes.redeem(freshCode(), KIOSK_ADDRESS, Optional.empty()));
            kit.clock.advance(Duration.ofMinutes(2));
        }
    }

    @Test
    void aPatientWhoGivesUpAfterTenTyposLocksTheKioskForThirtySeconds() {
        for (int typo = 0; typo < 10; typo++) {
            codes.redeem("ZZZ-ZZZ-ZZZ", KIOSK_ADDRESS, Optional.empty());
        }
        String next = freshCode();
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(30)),
                refusal(codes.redeem(next, KIOSK_ADDRESS, Optional.empty())));
        kit.clock.advance(Duration.ofSeconds(30));
        done(codes.redeem(next, KIOSK_ADDRESS, Optional.empty()));
        // The right code forgot the failures: the patient after that may mistype nine times again.
        for (int typo = 0; typo < 9; typo++) {
            codes.redeem("ZZZ-ZZZ-ZZZ", KIOSK_ADDRESS, Optional.empty());
        }
        done(codes.redeem(freshCode(), KIOSK_ADDRESS, Optional.empty()));
    }
}

package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.consultation.ConsultationTestKit.KIOSK_ADDRESS;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.request.Refusal;

class JoinCodesTest {
    static final ClientAddress GUESSER = ClientAddress.parse("203.0.113.9");

    final ConsultationTestKit kit = new ConsultationTestKit();
    final Consultation consultation = kit.patientConsultation(kit.doctor);

    @Test
    void aCodeIsNineUnambiguousCharactersShownInThreeGroups() {
        JoinCode code = kit.issue(kit.doctor, consultation).code();
        assertTrue(Pattern.matches("[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}", code.formatted()),
                code.formatted());
        assertEquals(31, JoinCode.ALPHABET.length());
        assertTrue(JoinCode.LENGTH * Math.log(JoinCode.ALPHABET.length()) / Math.log(2) >= 40, "at least 40 bits");
        for (char ambiguous : "01OIL".toCharArray()) {
            assertEquals(-1, JoinCode.ALPHABET.indexOf(ambiguous));
        }
        assertFalse(code.toString().contains(code.formatted().substring(0, 3)), "a code never prints itself");
    }

    @Test
    void typedInputIsCaseInsensitiveAndIgnoresDashesAndSpaces() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        String sloppy = " " + issued.code().formatted().toLowerCase().replace("-", " ") + " ";
        Joined joined = done(kit.codes.redeem(sloppy, KIOSK_ADDRESS, Optional.empty()));
        assertEquals(consultation.id(), joined.consultation());
        assertEquals(Seat.Status.WAITING, joined.status());
        assertEquals(DisplayName.of("Frau Koch"), joined.name(), "the name the doctor gave the consultation");
    }

    @Test
    void aCodeWorksOnlyOnce() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        kit.redeem(issued);
        assertEquals(new Refusal.InvalidCode(),
                refusal(kit.codes.redeem(issued.code().formatted(), KIOSK_ADDRESS, Optional.empty())));
    }

    @Test
    void aCodeExpiresAfterItsLifetimeAndNeverOutlivesItsConsultation() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        assertEquals(kit.clock.instant().plus(Duration.ofHours(24)), issued.expiresAt());
        kit.clock.advance(Duration.ofHours(23));
        IssuedCode late = kit.issue(kit.doctor, consultation);
        assertEquals(consultation.accessUntil(), late.expiresAt(), "capped by the access window");
        kit.clock.advance(Duration.ofHours(1));
        assertEquals(new Refusal.InvalidCode(),
                refusal(kit.codes.redeem(issued.code().formatted(), KIOSK_ADDRESS, Optional.empty())));
        assertEquals(new Refusal.InvalidCode(),
                refusal(kit.codes.redeem(late.code().formatted(), KIOSK_ADDRESS, Optional.empty())));
    }

    @Test
    void aCodeRedeemedJustBeforeItExpiresStillWorks() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        kit.clock.advance(Duration.ofHours(24).minusSeconds(1));
        done(kit.codes.redeem(issued.code().formatted(), KIOSK_ADDRESS, Optional.empty()));
    }

    @Test
    void wrongMalformedUsedAndExpiredCodesAllGetTheSameAnswer() {
        IssuedCode used = kit.issue(kit.doctor, consultation);
        kit.redeem(used);
        List<String> attempts = List.of("AAA-AAA-AAA", "0O1-IL0-O1I", "", "x".repeat(10_000),
                used.code().formatted());
        for (String attempt : attempts) {
            assertEquals(new Refusal.InvalidCode(), refusal(kit.codes.redeem(attempt, GUESSER, Optional.empty())));
        }
    }

    @Test
    void aCodeLeadsOnlyToTheDoctorAndConsultationItWasIssuedFor() {
        Consultation others = kit.patientConsultation(kit.otherDoctor);
        assertEquals(new Refusal.NotFound(), refusal(kit.codes.issue(kit.doctor, others.id())),
                "no doctor issues codes for another doctor's consultation");
        Joined joined = kit.redeem(kit.issue(kit.otherDoctor, others));
        assertEquals(others.id(), joined.consultation());
        assertEquals(List.of(), done(kit.waitingRoom.waitingList(kit.doctor, consultation.id())));
        assertEquals(new Refusal.NotFound(), refusal(kit.waitingRoom.waitingList(kit.doctor, others.id())));
        assertEquals(1, done(kit.waitingRoom.waitingList(kit.otherDoctor, others.id())).size());
    }

    @Test
    void aCodeOfAnEndedConsultationIsRefusedLikeAnyWrongCode() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        done(kit.consultations.end(kit.doctor, consultation.id()));
        assertEquals(new Refusal.InvalidCode(),
                refusal(kit.codes.redeem(issued.code().formatted(), KIOSK_ADDRESS, Optional.empty())));
    }

    @Test
    void tenWrongCodesLockTheAddressOutWithARetryAfterThatEvenARightCodeCannotSkip() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        for (int i = 0; i < 10; i++) {
            refusal(kit.codes.redeem("ZZZ-ZZZ-ZZ" + (i % 8 + 2), GUESSER, Optional.empty()));
        }
        assertEquals(new Refusal.Throttled(Duration.ofSeconds(30)),
                refusal(kit.codes.redeem(issued.code().formatted(), GUESSER, Optional.empty())));
        done(kit.codes.redeem(kit.issue(kit.doctor, consultation).code().formatted(), KIOSK_ADDRESS,
                Optional.empty()));
        kit.clock.advance(Duration.ofSeconds(30));
        done(kit.codes.redeem(issued.code().formatted(), GUESSER, Optional.empty()));
    }

    @Test
    void theAddressLockoutDoublesWithEachFurtherWrongCode() {
        for (int i = 0; i < 10; i++) {
            kit.codes.redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty());
        }
        kit.clock.advance(Duration.ofSeconds(30));
        kit.codes.redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty());
        assertEquals(new Refusal.Throttled(Duration.ofMinutes(1)),
                refusal(kit.codes.redeem("ZZZ-ZZZ-ZZZ", GUESSER, Optional.empty())));
    }

    @Test
    void theAuditLogRecordsIssueRedeemRefusalAndThrottlingButNeverTheCode() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        kit.redeem(issued);
        for (int i = 0; i < 11; i++) {
            kit.codes.redeem(issued.code().formatted(), GUESSER, Optional.empty());
        }
        List<AuditAction> actions = kit.audit.events().stream().map(AuditEvent::action).toList();
        assertTrue(actions.containsAll(List.of(AuditAction.CODE_ISSUED, AuditAction.CODE_REDEEMED,
                AuditAction.CODE_REFUSED, AuditAction.CODE_THROTTLED)), actions.toString());
        String canonical = issued.code().formatted().replace("-", "");
        for (AuditEvent event : kit.audit.events()) {
            assertFalse(event.toString().contains(canonical) || event.toString().contains(issued.code().formatted()),
                    event.toString());
        }
        AuditEvent refused = kit.audit.events().stream().filter(e -> e.action() == AuditAction.CODE_REFUSED)
                .findFirst().orElseThrow();
        assertEquals("client:203.0.113.9", refused.actor().value());
        assertEquals("used", refused.detail());
    }

    @Test
    void onlyAKeyedHashOfTheCodeIsStoredAndExpiredCodesArePurged() {
        IssuedCode issued = kit.issue(kit.doctor, consultation);
        JoinCodeHasher otherKey = JoinCodeHasher.withRandomKey(new SecureRandom());
        assertTrue(kit.codeStore.find(otherKey.hash(issued.code())).isEmpty(), "without the key, nothing is found");
        assertEquals(0, kit.codes.purgeExpired());
        kit.clock.advance(Duration.ofHours(24));
        assertEquals(1, kit.codes.purgeExpired());
    }
}

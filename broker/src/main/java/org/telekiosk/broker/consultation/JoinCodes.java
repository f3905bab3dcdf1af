package org.telekiosk.broker.consultation;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;

/**
 * One-time join codes for patients (KBV Anlage 31b BMV-Ä: no patient account, a code leads only to the
 * doctor who issued it, access at most one month). A code is bound to its doctor and consultation, expires after
 * {@link ConsultationPolicy#codeLifetime()} or with the consultation's access window, whichever comes first, works
 * once, and is stored only as a keyed hash. Redeeming seats the patient in the waiting room. A wrong code — unknown,
 * used, expired, malformed, or of an ended consultation — always gets the same {@link Refusal.InvalidCode} and counts
 * against the {@link CodeGuessingLimiter}.
 */
public final class JoinCodes {
    /** Why a code was refused, for the metrics ({@code telekiosk_join_codes_refused_total{reason}}). */
    public enum RefusalReason {
        THROTTLED("throttled"), MALFORMED("malformed"), UNKNOWN("unknown"), REVOKED("revoked"), USED("used"),
        EXPIRED("expired"), WRONG_DOCTOR("wrong-doctor"), CLOSED("closed");

        private final String code;

        RefusalReason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final java.util.Map<RefusalReason, java.util.concurrent.atomic.LongAdder> refused =
            new java.util.EnumMap<>(RefusalReason.class);
    private static final DisplayName DEFAULT_PATIENT_NAME = DisplayName.of("Patient");

    private final ConsultationStores stores;
    private final JoinCodeHasher hasher;
    private final CodeGuessingLimiter limiter;
    private final ConsultationPolicy policy;
    private final SecureRandom random;
    private final Clock clock;

    public JoinCodes(ConsultationStores stores, JoinCodeHasher hasher, CodeGuessingLimiter limiter,
            ConsultationPolicy policy, SecureRandom random, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (RefusalReason refusal : RefusalReason.values()) {
            refused.put(refusal, new java.util.concurrent.atomic.LongAdder());
        }
    }

    /** Issues a new code for the calling doctor's consultation. Earlier codes stay valid until used or expired. */
    public Outcome<IssuedCode> issue(Caller caller, ConsultationId id) {
        return stores.locks().with(id, () -> switch (stores.access().asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> issue(done.value());
        });
    }

    private Outcome<IssuedCode> issue(Consultation consultation) {
        Instant now = clock.instant();
        Optional<Refusal> refusal = ConsultationAccess.check(consultation, ConsultationAction.ISSUE_CODE, now);
        if (refusal.isPresent()) {
            return Outcome.refused(refusal.get());
        }
        Instant byLifetime = now.plus(policy.codeLifetime());
        Instant expiresAt = byLifetime.isBefore(consultation.accessUntil()) ? byLifetime : consultation.accessUntil();
        JoinCode code;
        do {
            code = JoinCode.generate(random);
        } while (!stores.codes().insert(new JoinCodeRecord(hasher.hash(code), consultation.id(),
                consultation.doctor(), now, expiresAt, Optional.empty())));
        stores.seating().record(AuditActor.account(consultation.doctor()), AuditAction.CODE_ISSUED,
                "consultation:" + consultation.id(), "expires " + expiresAt);
        return Outcome.done(new IssuedCode(consultation.id(), code, expiresAt));
    }

    /**
     * Redeems {@code typed} from {@code from}: seats the patient as waiting in the code's consultation, under
     * {@code name} or else the name the doctor gave the consultation. Refused with {@link Refusal.Throttled} while a
     * guessing limit holds (without checking the code), else {@link Refusal.InvalidCode} for any wrong code.
     */
    public Outcome<Joined> redeem(String typed, ClientAddress from, Optional<DisplayName> name) {
        return redeem(typed, from, name, Optional.empty());
    }

    /**
     * As {@link #redeem(String, ClientAddress, Optional)}, from the page of {@code kiosk} (a kiosk page session):
     * the seat records the kiosk, whose sensors the doctor then sees.
     */
    public Outcome<Joined> redeem(String typed, ClientAddress from, Optional<DisplayName> name,
            Optional<KioskId> kiosk) {
        Optional<Duration> retryAfter = limiter.retryAfter(from);
        if (retryAfter.isPresent()) {
            refused.get(RefusalReason.THROTTLED).increment();
            stores.seating().record(AuditActor.client(from), AuditAction.CODE_THROTTLED, "join-code", "");
            return Outcome.refused(new Refusal.Throttled(retryAfter.get()));
        }
        Optional<JoinCode> code = JoinCode.parse(typed);
        if (code.isEmpty()) {
            return wrong(from, "join-code", "malformed", RefusalReason.MALFORMED);
        }
        SecretHash hash = hasher.hash(code.get());
        Optional<JoinCodeRecord> record = stores.codes().find(hash);
        if (record.isEmpty()) {
            return wrong(from, "join-code", "unknown", RefusalReason.UNKNOWN);
        }
        ConsultationId id = record.get().consultation();
        return stores.locks().with(id, () -> redeem(hash, id, from, name, kiosk));
    }

    private Outcome<Joined> redeem(SecretHash hash, ConsultationId id, ClientAddress from, Optional<DisplayName> name,
            Optional<KioskId> kiosk) {
        Instant now = clock.instant();
        String subject = "consultation:" + id;
        // Re-read under the lock: the code may have been used or revoked since the lookup.
        Optional<JoinCodeRecord> record = stores.codes().find(hash);
        if (record.isEmpty()) {
            return wrong(from, subject, "revoked", RefusalReason.REVOKED);
        }
        if (record.get().redeemedAt().isPresent()) {
            return wrong(from, subject, "used", RefusalReason.USED);
        }
        if (!now.isBefore(record.get().expiresAt())) {
            return wrong(from, subject, "expired", RefusalReason.EXPIRED);
        }
        Optional<Consultation> consultation = stores.consultations().find(id);
        if (consultation.isEmpty() || !consultation.get().doctor().equals(record.get().doctor())) {
            return wrong(from, subject, "not bound to this consultation's doctor", RefusalReason.WRONG_DOCTOR);
        }
        if (ConsultationAccess.check(consultation.get(), ConsultationAction.ENTER, now).isPresent()) {
            return wrong(from, subject, "consultation closed", RefusalReason.CLOSED);
        }
        if (!stores.codes().markRedeemed(hash, now)) {
            return wrong(from, subject, "used", RefusalReason.USED);
        }
        Joined joined = stores.seating().seat(consultation.get(), name.or(() -> targetName(consultation.get()))
                .orElse(DEFAULT_PATIENT_NAME), kiosk);
        limiter.rightCode(from);
        stores.seating().record(AuditActor.patient(id), AuditAction.CODE_REDEEMED,
                "participant:" + joined.participant(), "from " + from);
        return Outcome.done(joined);
    }

    /** Codes refused for {@code reason} since start (a code typed through signaling or the REST API). */
    public long refusedCount(RefusalReason reason) {
        return refused.get(reason).sum();
    }

    /** Deletes expired codes; for a periodic task. Returns how many. */
    public int purgeExpired() {
        return stores.codes().deleteExpired(clock.instant());
    }

    private Outcome<Joined> wrong(ClientAddress from, String subject, String why, RefusalReason reason) {
        refused.get(reason).increment();
        limiter.wrongCode(from);
        stores.seating().record(AuditActor.client(from), AuditAction.CODE_REFUSED, subject, why);
        return Outcome.refused(new Refusal.InvalidCode());
    }

    private static Optional<DisplayName> targetName(Consultation consultation) {
        return consultation.target() instanceof ConsultationTarget.Patient patient
                ? patient.displayName() : Optional.empty();
    }
}

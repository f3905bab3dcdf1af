package org.telekiosk.broker.viewer;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.account.SocketsPerOwner;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * Decides who may open the vitals socket (a kiosk's readings reach only the doctors in that kiosk's active
 * consultation; nobody else can subscribe to them). Let in are the doctor of a consultation that has not ended, with an
 * active login session, and a kiosk's own page (its kiosk page session), which sees only its own kiosk. Blocking (session and consultation lookups in SQL): call it off the event loop.
 * No {@code io.netty} here; the socket handler maps a {@link Verdict.Denied} to an error event and a close code.
 */
public final class VitalsAccess {
    private final Sessions sessions;
    private final ConsultationService consultations;
    private final Clock clock;
    private final AuditLog audit;
    private final ViewerLimits limits;
    private final SocketsPerOwner sockets;

    /** Every access granted is audited as {@link AuditAction#VITALS_VIEWED} in {@code audit}. */
    public VitalsAccess(Sessions sessions, ConsultationService consultations, Clock clock, AuditLog audit) {
        this(sessions, consultations, clock, audit, ViewerLimits.DEFAULTS);
    }

    /** With {@code limits}: the sockets an account may hold (counted here) and the message rate on each. */
    public VitalsAccess(Sessions sessions, ConsultationService consultations, Clock clock, AuditLog audit,
            ViewerLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.sockets = new SocketsPerOwner(limits.maxSocketsPerAccount());
        this.audit = Objects.requireNonNull(audit, "audit");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.consultations = Objects.requireNonNull(consultations, "consultations");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a {@code hello} is worth. */
    public sealed interface Verdict {
        /**
         * Let in as {@code principal}; {@code release} gives the socket's place among its owner's sockets back
         * (idempotent): call it when the socket closes.
         */
        record Granted(ViewerPrincipal principal, Runnable release) implements Verdict {}

        /** Refused: {@code error} names the code and close code, {@code message} says why (no secrets). */
        record Denied(SignalError error, String message) implements Verdict {}
    }

    /**
     * Judges a {@code hello}; {@code cookie} is the {@code tk_session} cookie of the WebSocket handshake, used by a
     * {@link Credential.Cookie} credential.
     */
    public Verdict authorize(ViewerRequest.Hello hello, Optional<OpaqueToken> cookie) {
        if (hello.protocolVersion() != ViewerRequest.PROTOCOL_VERSION) {
            return new Verdict.Denied(SignalError.UNSUPPORTED_VERSION,
                    "this broker speaks vitals protocol version " + ViewerRequest.PROTOCOL_VERSION);
        }
        return switch (hello.credential()) {
            case Credential.Cookie c -> doctor(cookie, c.consultation());
            case Credential.Session s -> doctor(OpaqueToken.parse(s.token()), s.consultation());
            case Credential.KioskCookie kiosk -> kioskPage(cookie);
            case Credential.Code code -> new Verdict.Denied(SignalError.FORBIDDEN,
                    "vital signs are shown to the consultation's doctor only");
            case Credential.Resume resume -> new Verdict.Denied(SignalError.FORBIDDEN,
                    "vital signs are shown to the consultation's doctor only");
        };
    }

    /** The kiosk's own page, by its kiosk page session cookie: sees its own kiosk only. */
    private Verdict kioskPage(Optional<OpaqueToken> cookie) {
        if (cookie.isEmpty()) {
            return new Verdict.Denied(SignalError.NOT_AUTHENTICATED, "no kiosk page session");
        }
        return switch (sessions.lookup(cookie.get())) {
            case SessionLookup.Kiosk page -> {
                Optional<Runnable> place = sockets.open("kiosk:" + page.kiosk());
                if (place.isEmpty()) {
                    yield tooMany();
                }
                audit.record(new AuditEvent(clock.instant(), AuditActor.kiosk(page.kiosk()), AuditAction.VITALS_VIEWED,
                        "kiosk:" + page.kiosk(), "kiosk page", ""));
                yield new Verdict.Granted(new ViewerPrincipal.Kiosk(page.kiosk()), place.get());
            }
            case SessionLookup.Active staff -> new Verdict.Denied(SignalError.FORBIDDEN,
                    "the kiosk credential needs a kiosk page session");
            case SessionLookup.Refused refused -> new Verdict.Denied(SignalError.NOT_AUTHENTICATED,
                    "no valid kiosk page session");
        };
    }

    private Verdict doctor(Optional<OpaqueToken> token, String consultationText) {
        Optional<Account> account = token.flatMap(t -> sessions.lookup(t) instanceof SessionLookup.Active active
                ? Optional.of(active.account()) : Optional.empty());
        if (account.isEmpty()) {
            return new Verdict.Denied(SignalError.NOT_AUTHENTICATED, "no valid login session");
        }
        if (account.get().role() != Role.DOCTOR) {
            return new Verdict.Denied(SignalError.FORBIDDEN, "only doctors see vital signs");
        }
        ConsultationId id = new ConsultationId(UUID.fromString(consultationText));
        Outcome<Consultation> found = consultations.get(new Caller.Staff(account.get()), id);
        if (found instanceof Outcome.Refused<Consultation> refused) {
            return refused.refusal() instanceof Refusal.NotAuthenticated
                    ? new Verdict.Denied(SignalError.NOT_AUTHENTICATED, "no valid login session")
                    : new Verdict.Denied(SignalError.FORBIDDEN, "not your consultation");
        }
        Consultation consultation = ((Outcome.Done<Consultation>) found).value();
        if (consultation.state() == ConsultationState.ENDED || consultation.closedAt(clock.instant())) {
            return new Verdict.Denied(SignalError.ACCESS_EXPIRED, "the consultation is over");
        }
        Optional<Runnable> place = sockets.open("account:" + account.get().id());
        if (place.isEmpty()) {
            return tooMany();
        }
        audit.record(new AuditEvent(clock.instant(), AuditActor.account(account.get().id()), AuditAction.VITALS_VIEWED,
                "consultation:" + id, "vitals socket", id.toString()));
        return new Verdict.Granted(new ViewerPrincipal.Doctor(id), place.get());
    }

    private Verdict tooMany() {
        return new Verdict.Denied(SignalError.TOO_MANY_SOCKETS, "at most " + limits.maxSocketsPerAccount()
                + " vitals sockets per account at once; close one first");
    }

    /** The limits in force: the message rate each vitals socket is held to. */
    public ViewerLimits limits() {
        return limits;
    }

    /**
     * The patients in the call of {@code principal}'s consultation now, with their kiosks and admission times, from
     * the store of record: what {@link CallIndex} starts from when it has not seen the admission itself.
     */
    public List<CallPeriod> openCalls(ViewerPrincipal principal) {
        return switch (principal) {
            case ViewerPrincipal.Doctor doctor -> consultations.openCallsOf(doctor.consultation());
            case ViewerPrincipal.Kiosk page -> consultations.openCallsAt(page.kiosk());
        };
    }
}

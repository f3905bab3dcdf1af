package org.telekiosk.broker.enrollment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.AgentVersions;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * What a technician does with kiosks, for the REST adapter ({@code POST /api/v1/kiosks/{id}/enrollment-tokens},
 * {@code GET /api/v1/kiosks}, {@code POST /api/v1/kiosks/{id}/revocation}): transport-free, with the caller the
 * session layer established. Only technicians may; anyone else is refused ({@link Refusal.NotAuthenticated} without
 * a session, {@link Refusal.Forbidden} for other roles, kiosks and patients). Blocking: call off the event loop.
 */
public final class KioskAdministration {
    /**
     * One kiosk as the fleet view shows it. {@code notAfter}, {@code revokedAt}, {@code lastSeen} may be null;
     * {@code status} is what the kiosk last reported since this broker started (its sensors, readings queued and
     * dropped on it, an outbox fault), empty before its first status.
     */
    public record FleetEntry(String kioskId, String label, String certificateSerial, Instant notAfter,
            Instant revokedAt, boolean online, Instant lastSeen, Optional<KioskStatus> status, Aside aside,
            Optional<AgentVersions.Entry> agent) {}

    /**
     * What the broker kept aside of a kiosk's readings: payloads its store refused (the kiosk quarantines them) and
     * readings that came under a number already stored with other content, over the kiosk's lifetime; and publishes
     * the MQTT broker refused over the kiosk's quota since the broker started (the kiosk sends them again later).
     */
    public record Aside(long refused, long conflicts, long overQuota) {
        public static final Aside NONE = new Aside(0, 0, 0);

        public Aside(long refused, long conflicts) {
            this(refused, conflicts, 0);
        }
    }

    /**
     * A kiosk room a doctor may create a consultation for: an enrolled kiosk that is not revoked, with the
     * label its technician gave it and whether it has an MQTT connection now.
     */
    public record Room(String kioskId, String label, boolean online) {}

    /** A token made for a technician: the line to show once (and as a QR code), and when it expires. */
    public record IssuedToken(String kioskId, String token, Instant expiresAt) {}

    private final EnrollmentService enrollment;
    private final KioskRegistry registry;
    private final Predicate<KioskId> online;
    private final Function<KioskId, Optional<KioskStatus>> statuses;
    private final Function<KioskId, Aside> aside;
    private final Function<KioskId, Optional<AgentVersions.Entry>> agents;

    /**
     * @param online   whether a kiosk has an MQTT connection now (must not block)
     * @param statuses a kiosk's latest status, if it sent one (must not block; the broker's
     *                 {@code KioskStatusBoard})
     */
    public KioskAdministration(EnrollmentService enrollment, KioskRegistry registry, Predicate<KioskId> online,
            Function<KioskId, Optional<KioskStatus>> statuses) {
        this(enrollment, registry, online, statuses, kiosk -> Aside.NONE);
    }

    /** @param aside a kiosk's refused and conflicting readings, from the store (may block) */
    public KioskAdministration(EnrollmentService enrollment, KioskRegistry registry, Predicate<KioskId> online,
            Function<KioskId, Optional<KioskStatus>> statuses, Function<KioskId, Aside> aside) {
        this(enrollment, registry, online, statuses, aside, kiosk -> Optional.empty());
    }

    /** @param agents a kiosk's agent version and update report, if it sent one (must not block) */
    public KioskAdministration(EnrollmentService enrollment, KioskRegistry registry, Predicate<KioskId> online,
            Function<KioskId, Optional<KioskStatus>> statuses, Function<KioskId, Aside> aside,
            Function<KioskId, Optional<AgentVersions.Entry>> agents) {
        this.agents = Objects.requireNonNull(agents, "agents");
        this.aside = Objects.requireNonNull(aside, "aside");
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.online = Objects.requireNonNull(online, "online");
        this.statuses = Objects.requireNonNull(statuses, "statuses");
    }

    public Outcome<IssuedToken> createToken(Caller caller, KioskId kiosk, String label) {
        Refusal refusal = technicianOnly(caller);
        if (refusal != null) {
            return Outcome.refused(refusal);
        }
        EnrollmentToken token;
        try {
            token = enrollment.createToken(kiosk, label, actor(caller));
        } catch (IllegalArgumentException e) {
            return Outcome.refused(new Refusal.InvalidRequest(e.getMessage()));
        }
        String hash = EnrollmentService.hash(token.secret());
        Instant expires = registry.token(hash).orElseThrow().expiresAt();
        return Outcome.done(new IssuedToken(kiosk.value(), token.line(), expires));
    }

    public Outcome<List<FleetEntry>> fleet(Caller caller) {
        Refusal refusal = technicianOnly(caller);
        if (refusal != null) {
            return Outcome.refused(refusal);
        }
        return Outcome.done(registry.state().kiosks().stream().map(this::entry).toList());
    }

    /**
     * The kiosk rooms a doctor may hold a consultation in: every enrolled kiosk that is not revoked, by label. Doctors
     * only (technicians see the {@link #fleet}); no certificates, no sensor reports.
     */
    public Outcome<List<Room>> rooms(Caller caller) {
        Refusal refusal = switch (caller) {
            case Caller.Anonymous a -> new Refusal.NotAuthenticated();
            case Caller.Staff staff -> staff.account().role() == Role.DOCTOR ? null : new Refusal.Forbidden();
            case Caller.Patient p -> new Refusal.Forbidden();
            case Caller.Kiosk k -> new Refusal.Forbidden();
        };
        if (refusal != null) {
            return Outcome.refused(refusal);
        }
        return Outcome.done(registry.state().kiosks().stream().filter(k -> k.revokedAt() == null)
                .map(k -> new Room(k.id(), k.label(), online.test(KioskId.of(k.id()))))
                .sorted(java.util.Comparator.comparing(Room::label, String.CASE_INSENSITIVE_ORDER)
                        .thenComparing(Room::kioskId))
                .toList());
    }

    /** Revokes {@code kiosk}; {@link Refusal.NotFound} if it is not enrolled or already revoked. */
    public Outcome<FleetEntry> revoke(Caller caller, KioskId kiosk) {
        Refusal refusal = technicianOnly(caller);
        if (refusal != null) {
            return Outcome.refused(refusal);
        }
        if (!enrollment.revoke(kiosk, actor(caller))) {
            return Outcome.refused(new Refusal.NotFound());
        }
        return Outcome.done(entry(registry.kiosk(kiosk).orElseThrow()));
    }

    private FleetEntry entry(KioskRecord k) {
        KioskId id = KioskId.of(k.id());
        return new FleetEntry(k.id(), k.label(), k.serial(), k.notAfter(), k.revokedAt(), online.test(id),
                registry.lastSeen(id).orElse(null), statuses.apply(id), aside.apply(id), agents.apply(id));
    }

    private static Refusal technicianOnly(Caller caller) {
        return switch (caller) {
            case Caller.Anonymous a -> new Refusal.NotAuthenticated();
            case Caller.Staff staff -> staff.account().role() == Role.TECHNICIAN ? null : new Refusal.Forbidden();
            case Caller.Patient p -> new Refusal.Forbidden();
            case Caller.Kiosk k -> new Refusal.Forbidden();
        };
    }

    private static AuditActor actor(Caller caller) {
        return caller instanceof Caller.Staff staff ? AuditActor.account(staff.account().id()) : AuditActor.system();
    }
}

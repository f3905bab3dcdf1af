package org.telekiosk.broker.update;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.KioskCertificateCheck;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.kiosk.AgentVersions;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The kiosk-facing side of agent updates, without HTTP: which package to offer a kiosk (none while it is in a
 * consultation), which file it may download, and what it reports. Every call is authenticated by the kiosk's current
 * certificate (mutual TLS), checked as for renewal. Blocking (registry, files).
 */
public final class AgentUpdates {
    private static final Logger LOG = LoggerFactory.getLogger(AgentUpdates.class);

    /** The answer to an offer request. */
    public sealed interface Answer {
        /** The newest package for the kiosk. */
        record Offer(AgentPackages.Available available) implements Answer {}

        /** Nothing newer. */
        record Nothing() implements Answer {}

        /** Not now: the kiosk is in a consultation; ask again later. */
        record NotNow(String why) implements Answer {}

        /** The certificate was refused. */
        record NotAllowed(Refused refused) implements Answer {}
    }

    private final EnrollmentService enrollment;
    private final Optional<AgentPackages> packages;
    private final AgentVersions versions;
    private final Predicate<KioskId> inConsultation;
    private final AuditLog audit;
    private final Clock clock;

    /**
     * @param packages       the served packages; empty when the broker has no update key configured (kiosks still
     *                       report their versions)
     * @param inConsultation whether a patient is in a call at the kiosk now
     */
    public AgentUpdates(EnrollmentService enrollment, Optional<AgentPackages> packages, AgentVersions versions,
            Predicate<KioskId> inConsultation, AuditLog audit, Clock clock) {
        this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
        this.packages = Objects.requireNonNull(packages, "packages");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.inConsultation = Objects.requireNonNull(inConsultation, "inConsultation");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The key kiosks pin at enrollment, if the broker serves agent packages. */
    public Optional<UpdateKey> key() {
        return packages.map(AgentPackages::key);
    }

    public AgentVersions versions() {
        return versions;
    }

    /** What to offer the kiosk that presented {@code presented}, running {@code running} on {@code architecture}. */
    public Answer offer(X509Certificate presented, DebianVersion running, String architecture, AuditActor client) {
        KioskId kiosk;
        switch (check(presented, client)) {
            case Refused refused -> {
                return new Answer.NotAllowed(refused);
            }
            case KioskCertificateCheck.Valid valid -> kiosk = valid.kiosk();
        }
        if (packages.isEmpty()) {
            return new Answer.Nothing();
        }
        Optional<AgentPackages.Available> newer = packages.get().newerThan(running, architecture);
        if (newer.isEmpty()) {
            return new Answer.Nothing();
        }
        if (inConsultation.test(kiosk)) {
            return new Answer.NotNow("kiosk " + kiosk + " is in a consultation");
        }
        return new Answer.Offer(newer.get());
    }

    /** The package file {@code name} for the kiosk that presented {@code presented}. */
    public Answer download(X509Certificate presented, String name, AuditActor client) {
        return switch (check(presented, client)) {
            case Refused refused -> new Answer.NotAllowed(refused);
            case KioskCertificateCheck.Valid valid -> packages.flatMap(p -> p.named(name))
                    .<Answer>map(Answer.Offer::new).orElseGet(Answer.Nothing::new);
        };
    }

    /** Records what the kiosk reports; refusals, failures and rollbacks go to the audit log and the broker's log. */
    public Optional<Refused> report(X509Certificate presented, AgentUpdateReport report, AuditActor client) {
        KioskId kiosk;
        switch (check(presented, client)) {
            case Refused refused -> {
                return Optional.of(refused);
            }
            case KioskCertificateCheck.Valid valid -> kiosk = valid.kiosk();
        }
        versions.record(kiosk, report, clock.instant());
        switch (report.state()) {
            case REFUSED, FAILED, ROLLED_BACK -> {
                LOG.warn("Kiosk {} (agent {}): update {} {}{}: {}", kiosk, report.version(), report.offered(),
                        report.state(), report.reason().isEmpty() ? "" : " (" + report.reason() + ")", report.detail());
                audit.record(new AuditEvent(clock.instant(), AuditActor.kiosk(kiosk), AuditAction.AGENT_UPDATE_REFUSED,
                        "kiosk:" + kiosk, report.state() + " " + report.offered() + " " + report.reason() + " "
                                + report.detail()));
            }
            case INSTALLED -> {
                LOG.info("Kiosk {}: agent updated to {}", kiosk, report.version());
                audit.record(new AuditEvent(clock.instant(), AuditActor.kiosk(kiosk), AuditAction.AGENT_UPDATED,
                        "kiosk:" + kiosk, "agent " + report.version()));
            }
            case RUNNING, DEFERRED, INSTALLING -> LOG.debug("Kiosk {}: agent {} {}", kiosk, report.version(),
                    report.state());
        }
        return Optional.empty();
    }

    private KioskCertificateCheck check(X509Certificate presented, AuditActor client) {
        return enrollment.checkKiosk(presented, client, AuditAction.AGENT_UPDATE_REFUSED, "an agent update");
    }
}

package org.telekiosk.broker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The JSON bodies of the REST API ({@code docs/api.md}), requests and responses as records. Instants are ISO-8601
 * strings in UTC, durations ISO-8601 durations. Records that carry a password, a token or a join code never print
 * it: their {@code toString} is redacted.
 */
final class ApiMessages {
    private ApiMessages() {}

    /** {@code POST /api/v1/session}. */
    record LoginRequest(String login, String password) {
        @Override
        public String toString() {
            return "LoginRequest[login=" + login + ", password=(redacted)]";
        }
    }

    /** The answer to a login: the account, and the session token for non-browser clients (also set as cookie). */
    record SessionResponse(AccountView account, String token, String expiresAt) {
        @Override
        public String toString() {
            return "SessionResponse[account=" + account + ", token=(redacted), expiresAt=" + expiresAt + "]";
        }
    }

    /** {@code POST /api/v1/kiosk-session}: the one-time kiosk page token from the page URL's fragment. */
    record KioskSessionRequest(String token) {
        @Override
        public String toString() {
            return "KioskSessionRequest[token=(redacted)]";
        }
    }

    /** A kiosk page session just started (the token itself only in the HttpOnly cookie). */
    record KioskSessionStarted(String kiosk, String sessionExpiresAt) {}

    /** {@code GET /api/v1/kiosk-session}. */
    record KioskSessionView(String kiosk, String sessionExpiresAt, String idleDeadline) {}

    /** {@code GET /api/v1/me}. */
    record Me(AccountView account, String sessionExpiresAt, String idleDeadline) {}

    record AccountView(String id, String login, String displayName, String role) {
        static AccountView of(Account account) {
            return new AccountView(account.id().toString(), account.loginName().value(),
                    account.displayName().value(), account.role().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** {@code POST /api/v1/accounts}. */
    record CreateAccount(String login, String displayName, String role, String password) {
        @Override
        public String toString() {
            return "CreateAccount[login=" + login + ", role=" + role + ", password=(redacted)]";
        }
    }

    record AccountList(List<AccountView> accounts) {}

    /**
     * {@code POST /api/v1/consultations}: for a kiosk room ({@code kiosk}) or for a patient (no {@code kiosk},
     * optionally {@code patientName}); {@code accessWindow} overrides the default, at most {@code P30D}.
     */
    record CreateConsultation(String kiosk, String patientName, String accessWindow) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConsultationView(String id, String target, String kiosk, String patientName, String state,
            String createdAt, String accessUntil, String endedAt) {
        static ConsultationView of(Consultation c) {
            String kiosk = null;
            String patientName = null;
            String target = switch (c.target()) {
                case ConsultationTarget.Room room -> {
                    kiosk = room.kiosk().value();
                    yield "room";
                }
                case ConsultationTarget.Patient patient -> {
                    patientName = patient.displayName().map(n -> n.value()).orElse(null);
                    yield "patient";
                }
            };
            return new ConsultationView(c.id().toString(), target, kiosk, patientName,
                    c.state().name().toLowerCase(java.util.Locale.ROOT), c.createdAt().toString(),
                    c.accessUntil().toString(), c.endedAt().map(Object::toString).orElse(null));
        }
    }

    record ConsultationList(List<ConsultationView> consultations) {}

    /** A join code, shown once: the broker keeps only its keyed hash. */
    record IssuedCodeView(String consultation, String code, String expiresAt) {
        @Override
        public String toString() {
            return "IssuedCodeView[consultation=" + consultation + ", code=(redacted), expiresAt=" + expiresAt + "]";
        }
    }

    /** {@code POST /api/v1/kiosks/{id}/enrollment-tokens}: the technician's name for the kiosk. */
    record CreateEnrollmentToken(String label) {}

    /**
     * An enrollment token, shown once: the line to paste on the kiosk, and the same line as a QR code, its rows of
     * {@code 1} (dark) and {@code 0} (light) modules, without the quiet zone. The broker keeps only the token's hash.
     */
    record EnrollmentTokenView(String kioskId, String token, String expiresAt, List<String> qrCode) {
        @Override
        public String toString() {
            return "EnrollmentTokenView[kioskId=" + kioskId + ", token=(redacted), expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * One kiosk of the fleet. {@code certificateSerial} is empty before the first enrollment; {@code
     * certificateExpiresAt}, {@code lastSeen} (the last MQTT connection since this broker started) and
     * {@code revokedAt} are null when there is none; {@code report} is null until the kiosk sent a status to this
     * broker. {@code refused} and {@code conflicts} are the broker store's counts over the kiosk's lifetime: readings
     * it refused (the kiosk quarantines them) and readings kept aside because their number was already stored with
     * other content. {@code overQuota} counts the kiosk's publishes the MQTT broker refused over its quota (PUBACK
     * 0x97) since the broker started: a kiosk flooding the broker, or misconfigured.
     */
    record KioskView(String id, String label, boolean online, String certificateSerial, String certificateExpiresAt,
            String lastSeen, boolean revoked, String revokedAt, KioskReport report, long refused, long conflicts,
            AgentView agent, long overQuota) {
        static KioskView of(KioskAdministration.FleetEntry e) {
            return new KioskView(e.kioskId(), e.label(), e.online(), e.certificateSerial(), text(e.notAfter()),
                    text(e.lastSeen()), e.revokedAt() != null, text(e.revokedAt()),
                    e.status().map(KioskReport::of).orElse(null), e.aside().refused(), e.aside().conflicts(),
                    e.agent().map(AgentView::of).orElse(null), e.aside().overQuota());
        }

        private static String text(java.time.Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }

    /**
     * What a kiosk said in its latest status: when, each sensor's state ({@code present}, {@code absent},
     * {@code faulty}) with the reason, readings queued on it, readings it dropped over its outbox's lifetime
     * (lost for good), and a fault found in its outbox at its last start (empty if none).
     */
    record KioskReport(String sentAt, List<SensorView> sensors, long queued, long dropped, String outboxFault) {
        static KioskReport of(KioskStatus s) {
            return new KioskReport(s.sentAt().toString(), s.sensors().stream().map(h -> new SensorView(
                    h.sensor().value(), h.state().name().toLowerCase(java.util.Locale.ROOT), h.detail())).toList(),
                    s.queued(), s.dropped(), s.outboxFault());
        }
    }

    record SensorView(String sensor, String state, String detail) {}

    /**
     * The kiosk's agent as it last reported (null before its first report since the broker started): the version
     * it runs, its architecture, the latest update state ({@code running}, {@code deferred}, {@code installing},
     * {@code installed}, {@code refused}, {@code failed}, {@code rolled_back}) and when; and the last problem (a
     * refused, failed or rolled-back package: its version, reason and detail), null if none since the last install.
     */
    record AgentView(String version, String architecture, String state, String reportedAt, AgentProblem problem) {
        static AgentView of(org.telekiosk.broker.kiosk.AgentVersions.Entry e) {
            return new AgentView(e.latest().version(), e.latest().architecture(),
                    e.latest().state().name().toLowerCase(java.util.Locale.ROOT), e.at().toString(),
                    e.lastProblem().map(p -> new AgentProblem(p.offered(),
                            p.state().name().toLowerCase(java.util.Locale.ROOT),
                            p.reason().toLowerCase(java.util.Locale.ROOT), p.detail(),
                            e.problemAt().map(Object::toString).orElse(null))).orElse(null));
        }
    }

    /** A refused, failed or rolled-back agent package. */
    record AgentProblem(String offered, String state, String reason, String detail, String at) {}

    record KioskList(List<KioskView> kiosks) {}

    /** A kiosk room a doctor may create a consultation for ({@code GET /api/v1/rooms}). */
    record RoomView(String kiosk, String label, boolean online) {}

    record RoomList(List<RoomView> rooms) {}

    /**
     * An RFC 9457 problem: {@code type} is {@code about:blank}, {@code title} the status's reason phrase;
     * {@code code} a stable machine-readable reason, {@code problems} the individual reasons where there are several
     * (a weak password).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Problem(String type, String title, int status, String detail, String code, List<String> problems) {}
}

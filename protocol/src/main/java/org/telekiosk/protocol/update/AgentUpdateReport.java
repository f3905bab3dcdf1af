package org.telekiosk.protocol.update;

import java.util.Objects;

/**
 * What a kiosk tells the broker about its agent's version and updates: {@code POST /api/v1/agent-update/report}
 * (JSON, over mutual TLS with the kiosk's certificate; 204). Sent at every start and after every check; the broker
 * shows the latest in the technician's fleet view.
 *
 * @param version      the version running now (Debian form)
 * @param architecture the kiosk's dpkg architecture
 * @param state        what happened
 * @param offered      the version the report is about (the package offered, refused, installed or rolled back), or
 *                     empty
 * @param reason       with {@link UpdateState#REFUSED}: why; otherwise {@code null} or absent is not allowed, so it is
 *                     the empty string
 * @param detail       for the technician: at most 300 characters without control characters, or empty
 */
public record AgentUpdateReport(String version, String architecture, UpdateState state, String offered,
        String reason, String detail) {
    public AgentUpdateReport {
        DebianVersion.of(Objects.requireNonNull(version, "version"));
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(offered, "offered");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (!offered.isEmpty()) {
            DebianVersion.of(offered);
        }
        if (!reason.isEmpty()) {
            RefusalReason.valueOf(reason);
        }
        if ((state == UpdateState.REFUSED) == reason.isEmpty()) {
            throw new IllegalArgumentException("reason is given with state REFUSED and only then");
        }
        if (architecture.length() > 32 || !architecture.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("architecture must be a dpkg architecture name");
        }
        if (detail.length() > 300 || detail.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("detail must be at most 300 characters without control characters");
        }
    }

    /** A report of the version running, with nothing else to say. */
    public static AgentUpdateReport running(DebianVersion version, String architecture) {
        return new AgentUpdateReport(version.value(), architecture, UpdateState.RUNNING, "", "", "");
    }

    /** A refusal of {@code offered}. */
    public static AgentUpdateReport refused(DebianVersion version, String architecture, String offered,
            RefusalReason reason, String detail) {
        return new AgentUpdateReport(version.value(), architecture, UpdateState.REFUSED, offered, reason.name(),
                shorten(detail));
    }

    /** Cuts {@code text} to a detail: 300 characters, control characters replaced. */
    public static String shorten(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 300 ? clean.substring(0, 299) + "…" : clean;
    }
}

package org.telekiosk.protocol.downlink;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.topic.Topics;

/**
 * A doctor's order to take one measurement at one kiosk, sent by the broker on {@link
 * Topics#commands} with QoS 1, not retained, and an MQTT 5 message expiry interval
 * (MQTT 5 §3.3.2.3.3) equal to its remaining lifetime, so that a kiosk that is offline receives it when it returns,
 * unless it expired. The kiosk answers with {@link CommandUpdate}s.
 *
 * @param kiosk     the kiosk; must equal the topic's kiosk
 * @param id        the command's identity; a redelivered command (same id) is run at most once
 * @param kind      what to measure
 * @param seconds   for {@link CommandKind#ECG}, how long to record, 1 to {@value CommandKind#MAX_ECG_SECONDS}; 0 for
 *                  every other kind
 * @param issuedAt  when the broker issued it
 * @param expiresAt after this instant the kiosk must not start it (it reports {@code EXPIRED}); later than
 *                  {@code issuedAt} by at most {@link #MAX_LIFETIME}
 */
public record Command(KioskId kiosk, UUID id, CommandKind kind, int seconds, Instant issuedAt, Instant expiresAt)
        implements KioskDownlink {
    /** The longest a command may wait for its kiosk. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(1);

    public Command {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        kind.checkSeconds(seconds);
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
        if (Duration.between(issuedAt, expiresAt).compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("a command may live at most " + MAX_LIFETIME.toMinutes() + " minutes");
        }
    }

    /** Whether the command has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}

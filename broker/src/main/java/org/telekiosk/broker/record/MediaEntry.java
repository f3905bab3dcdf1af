package org.telekiosk.broker.record;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * How the media flowed, as one page reported it ({@code media-report}), with the broker's verdict on its DTLS
 * fingerprints: whether they are those of the offer and answer it relayed.
 */
public record MediaEntry(Instant at, Party party, SignalRequest.MediaReport report, Fingerprints fingerprints) {
    /** The comparison of a report's fingerprints with the signaled ones. */
    public enum Fingerprints {
        /** Local and remote fingerprint equal those of this party's and the peer's last SDP. */
        MATCH,
        /** At least one differs: the DTLS peer is not the page that signaled. */
        MISMATCH,
        /** No offer and answer seen on this node since its start (the record says so rather than guess). */
        UNKNOWN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Fingerprints fromWire(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public MediaEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(fingerprints, "fingerprints");
    }
}

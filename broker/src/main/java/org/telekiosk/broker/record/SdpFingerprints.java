package org.telekiosk.broker.record;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** The DTLS certificate fingerprints an SDP announces: its {@code a=fingerprint} lines (RFC 8122 §5). */
final class SdpFingerprints {
    private static final String ATTRIBUTE = "a=fingerprint:";

    private SdpFingerprints() {}

    /** Every fingerprint of {@code sdp}, normalised by {@link #normalise}; empty if it has none. */
    static Set<String> of(String sdp) {
        Set<String> found = new LinkedHashSet<>();
        for (String line : sdp.split("\r?\n")) {
            if (line.regionMatches(true, 0, ATTRIBUTE, 0, ATTRIBUTE.length())) {
                found.add(normalise(line.substring(ATTRIBUTE.length())));
            }
        }
        return Set.copyOf(found);
    }

    /** {@code "<hash function> <hex pairs>"} with the function in lower case, the hex in upper case, one space. */
    static String normalise(String fingerprint) {
        String[] parts = fingerprint.strip().split("\\s+", 2);
        if (parts.length < 2) {
            return fingerprint.strip().toLowerCase(Locale.ROOT);
        }
        return parts[0].toLowerCase(Locale.ROOT) + " " + parts[1].strip().toUpperCase(Locale.ROOT);
    }
}

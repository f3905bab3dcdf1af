package org.telekiosk.protocol.signaling;

import java.util.Set;
import java.util.TreeSet;

/**
 * The results of a patient page's pre-call check (protocol version 2), as the page measured them: whether its camera
 * showed a picture, whether its microphone heard something, the patient's own answer to the test tone, and the
 * connection to the broker (round trip and a download estimate). Technical facts only: no picture, no sound.
 *
 * @param camera          {@code picture} (a picture was seen), {@code dark} (the picture stayed dark or flat),
 *                        {@code unavailable} (no camera or no permission), {@code unknown} (not checked to the end)
 * @param microphone      {@code heard}, {@code silent} (only silence within the listening time), {@code unmeasured}
 *                        (permission granted, but the page could not measure a level), {@code unavailable},
 *                        {@code unknown}
 * @param speaker         the patient's answer to the test tone: {@code heard}, {@code not-heard}, or {@code unknown}
 *                        (no answer given)
 * @param roundTripMillis the shortest of the check's round trips to the broker, 0..600000 ms, or -1 when the
 *                        broker was not reached (then {@code downKbps} is -1 too)
 * @param downKbps        the download estimate from the broker, kbit/s (1000 bit/s), 0..10000000, or -1 when the
 *                        broker was not reached
 */
public record PreCallCheck(String camera, String microphone, String speaker, int roundTripMillis, int downKbps) {
    /** The camera results. */
    public static final Set<String> CAMERA = Set.of("picture", "dark", "unavailable", "unknown");
    /** The microphone results. */
    public static final Set<String> MICROPHONE = Set.of("heard", "silent", "unmeasured", "unavailable", "unknown");
    /** The speaker results (the patient's answer). */
    public static final Set<String> SPEAKER = Set.of("heard", "not-heard", "unknown");
    /** The highest download estimate accepted, kbit/s (10 Gbit/s). */
    public static final int MAX_DOWN_KBPS = 10_000_000;
    /** No check reported (yet): what a version 2 doctor sees for a patient whose page sent none. */
    public static final PreCallCheck NOT_REPORTED = new PreCallCheck("unknown", "unknown", "unknown", -1, -1);

    public PreCallCheck {
        oneOf("camera", camera, CAMERA);
        oneOf("microphone", microphone, MICROPHONE);
        oneOf("speaker", speaker, SPEAKER);
        Fields.range("roundTripMillis", roundTripMillis, -1, 600_000);
        Fields.range("downKbps", downKbps, -1, MAX_DOWN_KBPS);
        if ((roundTripMillis == -1) != (downKbps == -1)) {
            throw new IllegalArgumentException("roundTripMillis and downKbps are -1 together (the broker was not"
                    + " reached) or neither is");
        }
    }

    private static void oneOf(String field, String value, Set<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + new TreeSet<>(allowed));
        }
    }
}

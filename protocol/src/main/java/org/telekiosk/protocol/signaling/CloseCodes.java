package org.telekiosk.protocol.signaling;

/**
 * The WebSocket close codes (RFC 6455 §7.4) the broker uses on the signaling socket. 4000-4999 are for applications
 * (§7.4.2); ours mirror HTTP statuses so that they read easily. A client reconnects (and resumes) only after
 * {@link #GOING_AWAY}, {@link #INTERNAL_ERROR}, {@link #SERVICE_RESTART} or an abnormal drop (1006), never after the
 * others.
 */
public final class CloseCodes {
    /** The participant left, or the call is over. */
    public static final int NORMAL = 1000;
    /** The broker is shutting down; reconnect. */
    public static final int GOING_AWAY = 1001;
    /** An invalid close frame (§7.4.1). */
    public static final int PROTOCOL_ERROR = 1002;
    /** A binary frame; only text frames are accepted. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A malformed message (after an {@code error} event naming why). */
    public static final int INVALID_PAYLOAD = 1007;
    /** A frame over the size limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The broker failed; reconnect. */
    public static final int INTERNAL_ERROR = 1011;
    /**
     * Move to another broker node and resume there (issue 17): the socket's node drains before it stops (every vitals
     * and signaling socket gets it, and so does a {@code hello} that reaches it meanwhile), or the node that held this
     * socket's consultation room is gone (its heartbeat went stale: killed, crashed, cut off) and the socket's own
     * node closes it. The page reconnects at once through the balancer and resumes; the room is rebuilt from the
     * seats on the node it reaches. IANA's "Service Restart" (RFC 6455 §11.7 registry).
     */
    public static final int SERVICE_RESTART = 1012;
    /** An unsupported protocol version. */
    public static final int UNSUPPORTED_VERSION = 4400;
    /** Authentication failed or was missing. */
    public static final int UNAUTHENTICATED = 4401;
    /** Authenticated, but not allowed into this consultation. */
    public static final int FORBIDDEN = 4403;
    /** Another connection of the same participant took over (a newer tab, or a resume). */
    public static final int REPLACED = 4409;
    /** The seat or the consultation is gone (ended, released, access window over). */
    public static final int GONE = 4410;
    /** Rate limit or guessing limit exceeded. */
    public static final int TOO_MANY = 4429;

    private CloseCodes() {}
}

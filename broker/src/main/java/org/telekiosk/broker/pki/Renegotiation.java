package org.telekiosk.broker.pki;

/**
 * Client-initiated renegotiation (TLS 1.2 only; TLS 1.3 has none) lets one client make the server repeat its most
 * expensive step on an established connection as often as it likes, a CPU exhaustion tool that costs the client little.
 * JSSE refuses it process-wide when {@value #PROPERTY} is true, read once when the first server handshake is made:
 * so the broker sets it before it opens any listener. It covers the HTTPS listener and the embedded HiveMQ's (the
 * same JVM's JSSE).
 */
public final class Renegotiation {
    public static final String PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

    private Renegotiation() {}

    /** Refuses client-initiated renegotiation in this process; call before the first TLS server handshake. */
    public static void refuseClientInitiated() {
        System.setProperty(PROPERTY, "true");
    }
}

package org.telekiosk.broker.signaling;

import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.SignalEvent;

/**
 * The transport's side of one signaling connection, as the service sees it. Implementations must not block:
 * {@link #send} queues the event for writing, {@link #close} starts the close handshake.
 */
public interface Peer {
    /** A short id for logs (the channel id). */
    String id();

    /** Where the connection comes from, for the join code guessing limit. */
    ClientAddress address();

    /** The login session in the {@code tk_session} cookie of the handshake, if there was one. */
    Optional<OpaqueToken> cookieSession();

    void send(SignalEvent event);

    /** Closes with a close code of {@link CloseCodes}. */
    void close(int code, String reason);
}

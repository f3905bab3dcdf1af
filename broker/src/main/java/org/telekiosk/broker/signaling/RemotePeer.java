package org.telekiosk.broker.signaling;

import java.util.Optional;
import java.util.function.BiConsumer;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.SignalEvent;

/**
 * On a room's home node, a socket on another node as the room sees it ({@link NodeRelay}): what the room sends it
 * goes back to the socket's node as an {@code event} or {@code close} envelope.
 */
final class RemotePeer implements Peer {
    private final BiConsumer<String, RelayEnvelope> send;
    private final String node;
    private final WireCodec codec;
    private final String from;
    private final String conn;
    private final ClientAddress address;

    /**
     * @param send sends an envelope to a node
     * @param node this node, the home
     * @param from the socket's node
     * @param conn the socket's id there
     */
    RemotePeer(BiConsumer<String, RelayEnvelope> send, String node, WireCodec codec, String from, String conn,
            ClientAddress address) {
        this.send = send;
        this.node = node;
        this.codec = codec;
        this.from = from;
        this.conn = conn;
        this.address = address;
    }

    @Override
    public String id() {
        return "relay:" + conn.substring(0, 8);
    }

    @Override
    public ClientAddress address() {
        return address;
    }

    @Override
    public Optional<OpaqueToken> cookieSession() {
        return Optional.empty();
    }

    @Override
    public void send(SignalEvent event) {
        send.accept(from, RelayEnvelope.of(RelayEnvelope.EVENT, node, conn).message(codec.encodeToString(event)));
    }

    @Override
    public void close(int code, String reason) {
        send.accept(from, new RelayEnvelope(RelayEnvelope.CLOSE, node, conn, null, null, null, null, null, null, null,
                null, code, reason, null));
    }
}

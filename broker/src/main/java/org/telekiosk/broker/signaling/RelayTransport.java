package org.telekiosk.broker.signaling;

import java.util.function.Consumer;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * What {@link NodeRelay} needs of the shared database (issue 17): which node holds a consultation's room, and an
 * ordered message stream to each node. {@link PostgresRelay} is the one implementation (LISTEN/NOTIFY).
 */
public interface RelayTransport extends AutoCloseable {
    /** This node's name ({@code broker_node.node}). */
    String node();

    /**
     * The node holding {@code consultation}'s room: the live node that claimed it, or this node, which claims it now
     * if nobody did or the claimant's heartbeat is stale. Blocking.
     */
    String home(ConsultationId consultation);

    /**
     * Which of {@code nodes} are alive: their heartbeat ({@code broker_node}) is younger than the stale limit. A node
     * killed with {@code -9} stops being alive that long after its last heartbeat; one that stopped in order at once
     * (it deleted its row). Blocking.
     */
    java.util.Set<String> live(java.util.Set<String> nodes);

    /** This node no longer holds {@code consultation}'s room. Blocking. */
    void release(ConsultationId consultation);

    /** The socket of {@code participant}'s seat is on this node now. Blocking. */
    void seatHeld(ParticipantId participant);

    /**
     * Queues {@code payload} for {@code node}. Never blocks; what one node sends to another arrives in the order it
     * was queued (or not at all, should the database connection fail in between).
     */
    void send(String node, String payload);

    /** Queues {@code payload} for the node holding {@code consultation}'s room, if another node holds it. */
    void sendToHome(ConsultationId consultation, String payload);

    /** Queues {@code payload} for every node (this one too). */
    void broadcast(String payload);

    /**
     * Blocks until everything queued so far was sent (or given up after a failure), at most {@code wait}; whether it
     * was. For a drain (issue 17), before {@link #close}, which drops what is still queued.
     */
    boolean flush(java.time.Duration wait);

    /** Starts handing what arrives for this node to {@code receiver}, one at a time, in order. Blocking until then. */
    void start(Consumer<String> receiver);

    @Override
    void close();
}

package org.telekiosk.broker.server;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.http.SignalEndpoint;
import org.telekiosk.broker.kiosk.KioskPresence;
import org.telekiosk.broker.signaling.NodeRelay;
import org.telekiosk.broker.signaling.PostgresRelay;
import org.telekiosk.broker.signaling.SignalingService;
import org.telekiosk.broker.store.Dialect;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.broker.turn.TurnSecret;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The signaling part of the composition root: on the broker's account and consultation services, ICE servers (with the TURN secret from the
 * environment or its file), the signaling service (told of every consultation's end), the virtual threads its calls
 * run on, and the sweeper that releases seats whose grace period is over.
 */
final class Signaling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Signaling.class);
    /** Messages that may wait per socket before it is closed as a flood. */
    private static final int MAX_PENDING = 256;
    /** How often the nodes this node relays to or for are checked for a stale heartbeat (issue 17). */
    private static final long ORPHAN_CHECK_MILLIS = 1_000;

    private final SignalingService service;
    /** The relay to the other nodes on PostgreSQL; null on SQLite. */
    private final NodeRelay relay;
    private final ExecutorService workers;
    private final ScheduledExecutorService sweeper;
    private final SignalEndpoint endpoint;

    private Signaling(SignalingService service, NodeRelay relay, ExecutorService workers,
            ScheduledExecutorService sweeper, int maxFrameBytes) {
        this.service = service;
        this.relay = relay;
        this.workers = workers;
        this.sweeper = sweeper;
        this.endpoint = new SignalEndpoint(service, maxFrameBytes, workers, MAX_PENDING);
    }

    /**
     * @param database the store's database: on PostgreSQL the rooms are relayed between the nodes on it
     *                 ({@link NodeRelay}); on SQLite (one node) nothing is relayed
     * @param node     this node's name ({@code broker_node})
     */
    static Signaling start(BrokerConfig config, AccessServices services, Clock clock, Map<String, String> environment,
            java.util.function.Function<KioskId,
                    java.util.Optional<KioskStatus>> statuses, StoreDatabase database, String node)
            throws IOException {
        IceServers ice = new IceServers(config.ice(), TurnSecret.resolve(config.ice().secretFile(), environment),
                clock);
        SignalingService service = new SignalingService(services.sessions(), services.consultations(),
                services.waitingRoom(), services.codes(), services.reconnects(), ice, services.policy(),
                config.signaling(), clock, statuses, services.records());
        // Every end of a consultation (REST, signaling, the purge) closes its room: one path, whatever ended it.
        services.calls().subscribeEnds(service);
        NodeRelay relay = database.dialect() == Dialect.POSTGRESQL
                ? NodeRelay.start(service, new PostgresRelay(database, node, clock,
                        KioskPresence.STALE), config.signaling().maxFrameBytes())
                : null;
        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("signal-", 0).factory());
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("signal-sweeper").daemon().factory());
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                int released = service.sweep();
                if (released > 0) {
                    LOG.info("Released {} seats after their grace period", released);
                }
            } catch (RuntimeException e) {
                LOG.warn("Seat sweep failed: {}", e.toString());
            }
        }, 5, 5, TimeUnit.SECONDS);
        if (relay != null) {
            // Sockets relayed to a node that died resume at once (1012) instead of hanging until they drop.
            sweeper.scheduleWithFixedDelay(() -> {
                try {
                    int closed = relay.closeOrphans();
                    if (closed > 0) {
                        LOG.info("Closed or dropped {} signaling sockets whose other node is gone", closed);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Checking the relayed signaling sockets' nodes failed: {}", e.toString());
                }
            }, ORPHAN_CHECK_MILLIS, ORPHAN_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        LOG.info("Signaling on /ws/signal; {} STUN and {} TURN URLs, ICE policy {}", config.ice().stunUrls().size(),
                config.ice().turnUrls().size(), config.ice().transportPolicy());
        return new Signaling(service, relay, workers, sweeper, config.signaling().maxFrameBytes());
    }

    SignalingService service() {
        return service;
    }

    SignalEndpoint endpoint() {
        return endpoint;
    }

    /**
     * A drain's hand-over (issue 17): no {@code hello} is taken any more, every room held here is handed over (seats
     * with a connection marked dropped, every connection closed with 1012, the room's {@code signaling_home} row
     * released) and every socket of this node relayed to another node's room is closed with 1012 the same way; the
     * pages resume on another node, which rebuilds the rooms from the seats. Returns the rooms and relayed sockets
     * handed over. Blocking (the database); from the stopping thread.
     */
    int handOver() {
        int rooms = service.handOver();
        int relayed = relay == null ? 0 : relay.moveSockets();
        LOG.info("Drain: {} signaling rooms handed over, {} relayed sockets moved", rooms, relayed);
        return rooms + relayed;
    }

    /** Waits at most {@code wait} until what the relay queued for other nodes was sent (a drain, before close). */
    void flush(java.time.Duration wait) {
        if (relay != null && !relay.flush(wait)) {
            LOG.warn("Drain: the signaling relay did not send everything queued within {} ms", wait.toMillis());
        }
    }

    /**
     * Stops as a killed process would, as far as one JVM allows (tests of a node's death, issue 17): the sweeper and
     * the relay stop without telling the other nodes anything. {@link #close} afterwards releases the rest.
     */
    void halt() {
        sweeper.shutdownNow();
        if (relay != null) {
            relay.close();
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        workers.shutdown();
        if (relay != null) {
            relay.close();
        }
    }
}

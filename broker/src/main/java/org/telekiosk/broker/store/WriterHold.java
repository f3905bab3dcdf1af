package org.telekiosk.broker.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hold of the store writer between two commits ({@link StoreWriter#betweenCommits}): the holder hands it to the
 * writer's queue and waits until the writer {@link #parks}; the writer waits until the holder's action is done, or
 * {@code maxHold} at most. Either side may give up without the other waiting for ever: a holder that stops waiting
 * before the writer got there cancels it, and the writer then goes on.
 */
final class WriterHold {
    private static final Logger LOG = LoggerFactory.getLogger(WriterHold.class);

    private final CompletableFuture<Void> reached = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** Refused by a closed writer: the holder's wait ends at once. */
    CompletableFuture<Void> refusal() {
        return reached;
    }

    /**
     * The holder's side: waits up to {@code patience} for the writer to park, then runs {@code action} and releases it.
     * False if the writer did not get there in time or refused (then {@code action} did not run).
     */
    boolean runWhenParked(Duration patience, WalCheckpointer.SqlAction action) throws SQLException {
        try {
            reached.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (reached.cancel(false)) {
                return false; // the writer will go on when it gets there
            }
        } catch (ExecutionException | CancellationException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reached.cancel(false);
            released.complete(null);
            return false;
        }
        try {
            action.run();
            return true;
        } finally {
            released.complete(null);
        }
    }

    /** The writer's side, between two commits: waits for the holder (at most {@code maxHold}); the nanoseconds parked. */
    long parks(Duration maxHold) {
        if (!reached.complete(null)) {
            return 0; // the holder gave up waiting
        }
        long started = System.nanoTime();
        try {
            released.get(maxHold.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("The store's writer went on after waiting {} between commits for its holder", maxHold);
        } catch (ExecutionException | InterruptedException e) {
            LOG.debug("A hold of the store's writer ended: {}", e.toString());
        }
        return System.nanoTime() - started;
    }
}

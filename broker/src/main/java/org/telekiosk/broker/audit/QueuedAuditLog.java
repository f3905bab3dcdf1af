package org.telekiosk.broker.audit;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every {@link #record} to one background thread that appends it to another audit log, in order, so that
 * callers on threads that must not block (HiveMQ's, Netty's) can audit. {@link #since} first waits for what is queued.
 */
public final class QueuedAuditLog implements AuditLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedAuditLog.class);
    private final AuditLog target;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("audit-writer").daemon(true).factory());

    public QueuedAuditLog(AuditLog target) {
        this.target = target;
    }

    @Override
    public void record(AuditEvent event) {
        writer.execute(() -> {
            try {
                target.record(event);
            } catch (RuntimeException e) {
                LOG.error("Could not write an audit entry ({} {}): {}", event.action(), event.subject(), e.toString());
            }
        });
    }

    @Override
    public List<AuditEvent> since(Instant from) {
        return await(() -> target.since(from));
    }

    @Override
    public List<AuditEntry> page(AuditQuery query) {
        return await(() -> target.page(query));
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return await(() -> target.purgeBefore(cutoff));
    }

    private <T> T await(java.util.concurrent.Callable<T> task) {
        try {
            return writer.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the audit log", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reading the audit log failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.telekiosk.agent.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The outbox's configuration ({@code outbox.*} in {@code agent-defaults.properties}, where each key is documented).
 *
 * @param directory  where the outbox file ({@value Outbox#FILE_NAME}) and the sequence high-water mark live: the
 *                   agent's {@code data.dir}
 * @param maxBytes   {@code outbox.max-bytes}: most payload bytes held; beyond it the oldest waveform batches are
 *                   dropped (counted), never spot readings
 * @param sync       {@code outbox.sync}
 * @param drainRate  {@code outbox.drain-rate}: most backlog readings sent per second after a reconnect (live readings
 *                   are not limited)
 * @param retryDelay {@code outbox.retry-delay}: how long to wait before sending again after a failure when no
 *                   acknowledgement or reconnect comes first
 * @param storeAckTimeout {@code outbox.store-ack-timeout}: how long the store acknowledgement may stand still while
 *                   a reading the MQTT broker acknowledged that long ago is not covered, before everything held is
 *                   sent again
 */
public record OutboxSettings(Path directory, long maxBytes, SyncPolicy sync, int drainRate, Duration retryDelay,
        Duration storeAckTimeout) {
    /** The default {@code outbox.store-ack-timeout}. */
    public static final Duration DEFAULT_STORE_ACK_TIMEOUT = Duration.ofSeconds(30);

    /** Settings with the default store acknowledgement timeout. */
    public OutboxSettings(Path directory, long maxBytes, SyncPolicy sync, int drainRate, Duration retryDelay) {
        this(directory, maxBytes, sync, drainRate, retryDelay, DEFAULT_STORE_ACK_TIMEOUT);
    }

    /** The smallest {@code outbox.max-bytes}: room for a few minutes of every waveform. */
    public static final long MIN_MAX_BYTES = 64 * 1024;

    public OutboxSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(storeAckTimeout, "storeAckTimeout");
        if (storeAckTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("outbox.store-ack-timeout must be at least 1 ms, was " + storeAckTimeout);
        }
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("outbox.max-bytes must be at least " + MIN_MAX_BYTES + ", was "
                    + maxBytes);
        }
        if (drainRate < 1 || drainRate > 1_000_000) {
            throw new IllegalArgumentException("outbox.drain-rate must be between 1 and 1000000, was " + drainRate);
        }
        if (retryDelay.toMillis() < 1) {
            throw new IllegalArgumentException("outbox.retry-delay must be at least 1 ms, was " + retryDelay);
        }
    }
}

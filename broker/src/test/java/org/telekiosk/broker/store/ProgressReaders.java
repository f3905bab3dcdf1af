package org.telekiosk.broker.store;

import java.util.List;
import org.telekiosk.protocol.KioskId;

/** Progress reads beside the writer, {@code perSecond} a second round the kiosks (0: none). */
final class ProgressReaders implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService timer;

    ProgressReaders(MeasurementStore store, List<KioskId> ids, int perSecond) {
        if (perSecond <= 0) {
            timer = null;
            return;
        }
        timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        int[] next = {0};
        long every = Math.max(1, 1_000_000L / perSecond);
        timer.scheduleAtFixedRate(() -> store.progress(ids.get(next[0]++ % ids.size())).join(), every, every,
                java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}

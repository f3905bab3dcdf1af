package org.telekiosk.broker.store;

/**
 * Told, on the store's writer thread, where a reading's time went up to its commit and what each batch cost the
 * writer (the metrics: docs/operations.md, "Where a reading's time goes"). All times in nanoseconds. Duplicates,
 * conflicts and refusals are not told as readings. Must not block: it runs between the commit and the PUBACKs.
 */
public interface WriterStages {
    WriterStages NONE = new WriterStages() {
        @Override
        public void reading(long intake, long queued) { }

        @Override
        public void batch(long gather, long transaction, long handOff) { }
    };

    /**
     * A reading newly stored.
     *
     * @param intake from its time ({@code takenAt}; a waveform batch's last sample) on the kiosk's clock to its hand-in
     *               to the writer on the broker's: the kiosk's outbox, MQTT, HiveMQ, the intake's decode; negative if the
     *               kiosk's clock is ahead
     * @param queued from its hand-in to the writer to the start of its batch's transaction: the writer busy with the
     *               batches before and the group commit's wait ({@code store.commit-delay})
     */
    void reading(long intake, long queued);

    /**
     * A batch written.
     *
     * @param gather      the group commit's wait before it ({@code store.commit-delay} at most; 0 for the second part
     *                    of a batch a sweep split)
     * @param transaction its transaction: the SQL and the commit
     * @param handOff     after the commit: its readings' futures completed (the PUBACKs released, the readings queued
     *                    to the viewers' fan-out lanes, the store acknowledgements noted)
     */
    void batch(long gather, long transaction, long handOff);
}

package org.telekiosk.broker.store;

import java.time.Duration;

/**
 * Told, on the store's writer thread right after each commit, how long ago each newly stored reading was taken by the
 * kiosk's clock (its {@code takenAt}; a waveform batch's last sample): negative when the kiosk's clock is ahead of the
 * broker's. Duplicates, conflicts and refusals are not told. Must not block.
 */
@FunctionalInterface
public interface CommitLag {
    CommitLag NONE = lag -> {};

    void stored(Duration lag);
}

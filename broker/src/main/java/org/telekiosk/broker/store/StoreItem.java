package org.telekiosk.broker.store;

import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * What the store is handed: a measurement or a waveform batch, identified by {@code (kiosk, seq)}, or a refused
 * payload that named a {@code (kiosk, seq)}.
 */
sealed interface StoreItem {
    KioskId kiosk();

    long seq();

    /** A measurement to store. */
    record Spot(Measurement measurement) implements StoreItem {
        public KioskId kiosk() {
            return measurement.kiosk();
        }

        public long seq() {
            return measurement.seq();
        }
    }

    /** A waveform batch to store. */
    record Wave(WaveformBatch batch) implements StoreItem {
        public KioskId kiosk() {
            return batch.kiosk();
        }

        public long seq() {
            return batch.seq();
        }
    }

    /** A refused payload to keep aside; its number counts as received. */
    record Refused(RefusedReading refusal) implements StoreItem {
        public KioskId kiosk() {
            return refusal.kiosk();
        }

        public long seq() {
            return refusal.seq();
        }
    }
}

package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Where every sampler thread hands its readings: each gets the kiosk's next sequence number from the
 * {@link ReadingJournal} (the on-disk outbox), which keeps the reading until the broker has it. A number is drawn only
 * for a reading that is sent. If the journal cannot take readings, they are dropped (logged when that starts and when
 * it works again): a reading without a safe number could repeat one after a restart. Thread-safe.
 */
public final class ReadingOutlet {
    private static final Logger log = LoggerFactory.getLogger(ReadingOutlet.class);

    private final KioskId kiosk;
    private final ReadingJournal journal;
    private boolean journalFailing;
    private final java.util.List<Consumer<KioskMessage>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Registers {@code listener} for every reading recorded from now on (for a measurement command that collects the
     * ECG's batches); it runs on the sensor's thread and must return quickly.
     */
    public void addListener(Consumer<KioskMessage> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Consumer<KioskMessage> listener) {
        listeners.remove(listener);
    }

    /** Records every reading in {@code journal} (the outbox). */
    public ReadingOutlet(KioskId kiosk, ReadingJournal journal) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /**
     * Numbers readings from {@code sequence} (each number on disk before use) and hands them to {@code sink}: for
     * tests of the sampler that need no outbox.
     *
     * @param sink takes each {@link Measurement} and {@link WaveformBatch}; must not block
     */
    public ReadingOutlet(KioskId kiosk, SequenceCounter sequence, Consumer<KioskMessage> sink) {
        this(kiosk, countingJournal(sequence, sink));
    }

    private static ReadingJournal countingJournal(SequenceCounter sequence, Consumer<KioskMessage> sink) {
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(sink, "sink");
        return new ReadingJournal() {
            @Override
            public <T extends KioskMessage> T record(LongFunction<T> reading) throws IOException {
                T message = reading.apply(sequence.next());
                sink.accept(message);
                return message;
            }
        };
    }

    /** The kiosk whose readings these are. */
    public KioskId kiosk() {
        return kiosk;
    }

    /** Sends one measurement; empty if the journal could not take it. */
    public synchronized Optional<Measurement> measurement(SensorId sensor, LoincCode loinc, double value, UcumUnit unit,
            Instant takenAt) {
        return record(seq -> new Measurement(kiosk, seq, sensor, loinc, value, unit, takenAt));
    }

    /** Sends one waveform batch; empty if the journal could not take it. */
    public synchronized Optional<WaveformBatch> waveform(SensorId sensor, Signal signal, UcumUnit unit, double sampleRate,
            Instant start, double scale, List<Integer> samples) {
        return record(seq -> new WaveformBatch(kiosk, seq, sensor, signal, unit, sampleRate, start, scale, samples));
    }

    private <T extends KioskMessage> Optional<T> record(LongFunction<T> reading) {
        T message;
        try {
            message = journal.record(reading);
        } catch (IOException e) {
            if (!journalFailing) {
                journalFailing = true;
                log.error("Cannot record readings, they are dropped until it works again: {}", e.toString());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            log.error("The journal refused a reading", e);
            return Optional.empty();
        }
        if (journalFailing) {
            journalFailing = false;
            log.info("Readings are recorded again");
        }
        for (Consumer<KioskMessage> listener : listeners) {
            listener.accept(message);
        }
        return Optional.of(message);
    }
}

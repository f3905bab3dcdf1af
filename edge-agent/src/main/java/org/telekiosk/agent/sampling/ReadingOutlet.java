package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
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
 * Where every sampler thread hands its readings: each gets the kiosk's next sequence number (stored before use, see
 * {@link SequenceCounter}) and goes to the sink (the {@link Forwarder}). A number is drawn only for a reading that is
 * sent. If the number cannot be stored, readings are dropped (logged when that starts and when it works again): a
 * reading without a durable number could repeat one after a restart. Thread-safe; numbers reach the sink in order.
 */
public final class ReadingOutlet {
    private static final Logger log = LoggerFactory.getLogger(ReadingOutlet.class);

    private final KioskId kiosk;
    private final SequenceCounter sequence;
    private final Consumer<KioskMessage> sink;
    private boolean sequenceFailing;

    /** @param sink takes each {@link Measurement} and {@link WaveformBatch}; must not block */
    public ReadingOutlet(KioskId kiosk, SequenceCounter sequence, Consumer<KioskMessage> sink) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.sequence = Objects.requireNonNull(sequence, "sequence");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The kiosk whose readings these are. */
    public KioskId kiosk() {
        return kiosk;
    }

    /** Sends one measurement; empty if no sequence number could be stored. */
    public synchronized Optional<Measurement> measurement(SensorId sensor, LoincCode loinc, double value, UcumUnit unit,
            Instant takenAt) {
        return nextSeq().map(seq -> send(new Measurement(kiosk, seq, sensor, loinc, value, unit, takenAt)));
    }

    /** Sends one waveform batch; empty if no sequence number could be stored. */
    public synchronized Optional<WaveformBatch> waveform(SensorId sensor, Signal signal, UcumUnit unit, double sampleRate,
            Instant start, double scale, List<Integer> samples) {
        return nextSeq().map(seq -> send(new WaveformBatch(kiosk, seq, sensor, signal, unit, sampleRate, start, scale,
                samples)));
    }

    private <T extends KioskMessage> T send(T message) {
        try {
            sink.accept(message);
        } catch (RuntimeException e) {
            log.error("The sink refused {}", message, e);
        }
        return message;
    }

    private Optional<Long> nextSeq() {
        long seq;
        try {
            seq = sequence.next();
        } catch (IOException e) {
            if (!sequenceFailing) {
                sequenceFailing = true;
                log.error("Cannot store the next sequence number, readings are dropped until it works again: {}",
                        e.toString());
            }
            return Optional.empty();
        }
        if (sequenceFailing) {
            sequenceFailing = false;
            log.info("Sequence numbers are stored again (next is {})", seq);
        }
        return Optional.of(seq);
    }
}

package org.telekiosk.broker.fhir;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The readings linked to one call period: the measurements its kiosk took in {@code [from, to)} and the waveform
 * batches that start in it, oldest first. {@code to} is when the patient left, or the export's time while they are
 * still in the call.
 */
public record LinkedReadings(CallPeriod call, Instant from, Instant to, List<Measurement> measurements,
        List<WaveformBatch> waveforms) {
    public LinkedReadings {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        measurements = List.copyOf(measurements);
        waveforms = List.copyOf(waveforms);
    }
}

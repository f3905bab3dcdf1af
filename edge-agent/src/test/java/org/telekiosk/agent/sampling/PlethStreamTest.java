package org.telekiosk.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** The pleth stream against the simulated MAX30102, through Pi4J, on fake time: a FIFO read every 100 ms. */
class PlethStreamTest {
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path dataDir;

    private final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    private final FakeTime time = new FakeTime();
    private final SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL, SimulatedPatient.DEFAULT, 11);
    private final SensorHealthBoard health = new SensorHealthBoard(List.of(FittedSensors.OXIMETER_ID), () -> { });
    private PlethStream stream;

    @BeforeEach
    void stream() throws IOException {
        ReadingOutlet outlet = new ReadingOutlet(KioskId.of("wmk-lab-03"), SequenceCounter.open(dataDir), sent::add);
        FittedSensors.Oximeter oximeter = kiosk.kioskSensors().oximeter().orElseThrow();
        stream = new PlethStream(FittedSensors.OXIMETER_ID, oximeter.oximeter(), oximeter.sampleRate(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), outlet, health, time.timeline());
    }

    @AfterEach
    void close() {
        kiosk.close();
    }

    private void run(int polls) {
        for (int i = 0; i < polls; i++) {
            stream.pollOnce();
            kiosk.advance(POLL);
            time.advance(POLL);
        }
    }

    private List<WaveformBatch> batches() {
        return sent.stream().filter(WaveformBatch.class::isInstance).map(WaveformBatch.class::cast).toList();
    }

    private List<Measurement> measurements(LoincCode loinc) {
        return sent.stream().filter(Measurement.class::isInstance).map(Measurement.class::cast)
                .filter(m -> m.loinc().equals(loinc)).toList();
    }

    @Test
    void theFifoBecomesOneSecondPlethBatchesAt100SamplesPerSecondThatFollowEachOther() {
        run(60);

        List<WaveformBatch> batches = batches();
        assertEquals(5, batches.size(), batches.stream().map(b -> b.samples().size()).toList().toString());
        for (int i = 0; i < batches.size(); i++) {
            WaveformBatch batch = batches.get(i);
            assertEquals(100, batch.samples().size());
            assertEquals(100.0, batch.sampleRate());
            assertEquals(Signal.PLETH, batch.signal());
            assertEquals(UcumUnit.ARBITRARY, batch.unit());
            if (i > 0) {
                assertEquals(batches.get(i - 1).start().plusSeconds(1), batch.start());
            }
        }
    }

    @Test
    void spo2AndPulseGoOutEveryFiveSecondsWithTheirLoincCodesWithinTheAccuracyTheIssueAsks() {
        run(151);

        List<Measurement> spo2 = measurements(LoincCode.OXYGEN_SATURATION);
        List<Measurement> pulse = measurements(LoincCode.HEART_RATE);
        assertEquals(3, spo2.size(), sent.stream().filter(Measurement.class::isInstance).toList().toString());
        assertEquals(3, pulse.size());
        for (int i = 1; i < 3; i++) {
            assertEquals(97, spo2.get(i).value(), 2);
            assertEquals(UcumUnit.PERCENT, spo2.get(i).unit());
            assertEquals(72, pulse.get(i).value(), 3);
            assertEquals(UcumUnit.PER_MINUTE, pulse.get(i).unit());
        }
    }

    @Test
    void anUnpluggedOximeterIsAbsentAndPresentAgainOncePluggedBackWithoutANewDriver() {
        run(20);
        assertEquals(SensorState.PRESENT, health.of(FittedSensors.OXIMETER_ID).state());

        kiosk.unplug(FittedSensors.OXIMETER_ID);
        run(3);
        assertEquals(SensorState.ABSENT, health.of(FittedSensors.OXIMETER_ID).state());
        int batchesBefore = batches().size();

        kiosk.plugIn(FittedSensors.OXIMETER_ID);
        run(25);

        assertEquals(SensorState.PRESENT, health.of(FittedSensors.OXIMETER_ID).state());
        assertEquals(batchesBefore + 2, batches().size(), "the cut batch, then a full one after the re-plug");
    }
}

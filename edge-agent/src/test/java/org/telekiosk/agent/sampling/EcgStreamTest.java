package org.telekiosk.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.telekiosk.agent.sensor.ecg.LeadStatus;
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

/** The ECG stream against the simulated ADS1115 and AD8232, through Pi4J, on fake time: 250 polls per second. */
class EcgStreamTest {
    private static final Duration PERIOD = Duration.ofMillis(4);

    @TempDir
    Path dataDir;

    private final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    private final FakeTime time = new FakeTime();
    private final SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL, SimulatedPatient.DEFAULT, 5);
    private final SensorHealthBoard health = new SensorHealthBoard(List.of(FittedSensors.ECG_ID), () -> { });
    private EcgStream stream;

    @BeforeEach
    void stream() throws IOException {
        ReadingOutlet outlet = new ReadingOutlet(KioskId.of("wmk-lab-03"), SequenceCounter.open(dataDir), sent::add);
        stream = new EcgStream(FittedSensors.ECG_ID, kiosk.kioskSensors().ecg().orElseThrow().monitor(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1), outlet, health, time.timeline());
    }

    @AfterEach
    void close() {
        kiosk.close();
    }

    /** Lets the chip convert and the stream poll, {@code polls} times one period. */
    private void run(int polls) {
        for (int i = 0; i < polls; i++) {
            kiosk.advance(PERIOD);
            time.advance(PERIOD);
            stream.pollOnce();
        }
    }

    private List<WaveformBatch> batches() {
        return sent.stream().filter(WaveformBatch.class::isInstance).map(WaveformBatch.class::cast).toList();
    }

    private List<Measurement> measurements() {
        return sent.stream().filter(Measurement.class::isInstance).map(Measurement.class::cast).toList();
    }

    @Test
    void twelveSecondsOfEcgBecomeOneSecondBatchesAt250SamplesPerSecondThatFollowEachOtherExactly() {
        run(12 * 250);

        List<WaveformBatch> batches = batches();
        assertEquals(11, batches.size(), "the first polls configure the ADC, so the twelfth second is not complete");
        for (WaveformBatch batch : batches) {
            assertEquals(250, batch.samples().size());
            assertEquals(250.0, batch.sampleRate());
            assertEquals(Signal.ECG, batch.signal());
            assertEquals(UcumUnit.MILLIVOLT, batch.unit());
            assertEquals(FittedSensors.ECG_ID, batch.sensor());
        }
        assertEquals(FakeTime.WALL_START.plus(PERIOD.multipliedBy(3)), batches.getFirst().start(),
                "the first poll configures the ADC, the second waits for its first conversion, the third samples");
        for (int i = 1; i < batches.size(); i++) {
            assertEquals(batches.get(i - 1).start().plusSeconds(1), batches.get(i).start());
        }
        int peak = batches.get(3).samples().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(peak > 500 && peak < 3000, "an R wave of about 1 mV, in µV steps: " + peak);
        assertEquals(SensorState.PRESENT, health.of(FittedSensors.ECG_ID).state());
    }

    @Test
    void theHeartRateGoesOutEveryFiveSecondsWithinTwoBeatsOfThePatients() {
        run(15 * 250);

        List<Measurement> rates = measurements();
        assertEquals(3, rates.size(), rates.toString());
        for (Measurement rate : rates) {
            assertEquals(LoincCode.HEART_RATE, rate.loinc());
            assertEquals(UcumUnit.PER_MINUTE, rate.unit());
            assertEquals(72, rate.value(), 2);
        }
        assertEquals(FakeTime.WALL_START.plusSeconds(5), rates.getFirst().takenAt());
    }

    @Test
    void anElectrodeOffMakesTheEcgFaultyCutsTheBatchAndItRecoversWhenTheElectrodeIsBack() {
        run(300);
        kiosk.ecgFrontEnd().setLeads(new LeadStatus(true, false));
        run(10);

        assertEquals(SensorState.FAULTY, health.of(FittedSensors.ECG_ID).state());
        assertTrue(health.of(FittedSensors.ECG_ID).detail().contains("ECG electrode off"),
                health.of(FittedSensors.ECG_ID).detail());
        int sentWhileOff = batches().size();
        assertEquals(List.of(250, 48), batches().stream().map(b -> b.samples().size()).toList());

        kiosk.ecgFrontEnd().setLeads(LeadStatus.ATTACHED);
        run(250 + 300);

        assertEquals(SensorState.PRESENT, health.of(FittedSensors.ECG_ID).state());
        assertTrue(batches().size() > sentWhileOff);
    }

    @Test
    void anUnpluggedAdcIsAbsentIsAskedOnceASecondAndComesBackWithoutANewDriver() {
        run(300);
        kiosk.unplug(FittedSensors.ECG_ID);
        run(250);
        assertEquals(SensorState.ABSENT, health.of(FittedSensors.ECG_ID).state());
        int batchesWhileUnplugged = batches().size();

        kiosk.plugIn(FittedSensors.ECG_ID);
        run(2 * 250 + 300);

        assertEquals(SensorState.PRESENT, health.of(FittedSensors.ECG_ID).state());
        assertTrue(batches().size() > batchesWhileUnplugged);
        assertFalse(batches().getLast().samples().isEmpty());
    }
}

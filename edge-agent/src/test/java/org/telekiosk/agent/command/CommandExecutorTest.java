package org.telekiosk.agent.command;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sampling.ReadingOutlet;
import org.telekiosk.agent.sampling.Sampler;
import org.telekiosk.agent.sampling.SequenceCounter;
import org.telekiosk.agent.sampling.SimulatedSensors;
import org.telekiosk.agent.sampling.Timeline;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.bloodpressure.MonitorError;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.telemetry.CommandState;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** Commands run on a real sampler over the simulated kiosk's chips, which run in real time. */
class CommandExecutorTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    final List<CommandUpdate> updates = new CopyOnWriteArrayList<>();
    final SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL,
            SimulatedPatient.DEFAULT, 3);
    final SensorHealthBoard health = new SensorHealthBoard(kiosk.kioskSensors().ids(), () -> { });
    Sampler sampler;
    CommandExecutor executor;

    @BeforeEach
    void start() throws IOException {
        kiosk.startClock();
        ReadingOutlet outlet = new ReadingOutlet(KIOSK, SequenceCounter.open(dataDir), sent::add);
        sampler = new Sampler(kiosk.kioskSensors(), outlet, health, Timeline.start(Clock.systemUTC(), System::nanoTime));
        sampler.start();
        executor = new CommandExecutor(KIOSK, new SamplerActions(sampler, outlet, health), updates::add,
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        executor.close();
        sampler.close();
        kiosk.close();
    }

    static Command command(CommandKind kind, int seconds, Duration lifetime) {
        Instant now = Instant.now();
        return new Command(KIOSK, UUID.randomUUID(), kind, seconds, now, now.plus(lifetime));
    }

    List<CommandState> states(Command c) {
        return updates.stream().filter(u -> u.command().equals(c.id())).map(CommandUpdate::state).toList();
    }

    CommandUpdate last(Command c) {
        return updates.stream().filter(u -> u.command().equals(c.id())).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void bloodPressureRunsAndReportsDoneWithTheSeqsOfTheFourReadingsItSent() {
        Command bp = command(CommandKind.BLOOD_PRESSURE, 0, Duration.ofMinutes(2));
        executor.accept(bp);
        await().atMost(PATIENCE).until(() -> states(bp).contains(CommandState.DONE));

        assertEquals(List.of(CommandState.RUNNING, CommandState.DONE), states(bp));
        List<Long> seqs = last(bp).seqs();
        assertEquals(4, seqs.size());
        List<LoincCode> codes = sent.stream().filter(m -> m instanceof Measurement r && seqs.contains(r.seq()))
                .map(m -> ((Measurement) m).loinc()).toList();
        assertEquals(List.of(LoincCode.SYSTOLIC_PRESSURE, LoincCode.DIASTOLIC_PRESSURE, LoincCode.MEAN_PRESSURE,
                LoincCode.HEART_RATE), codes);
    }

    @Test
    void aCuffFaultMidMeasurementReportsFailedWithTheMonitorsReason() {
        kiosk.bloodPressureMonitor().failNextMeasurement(MonitorError.CUFF_LOOSE);
        Command bp = command(CommandKind.BLOOD_PRESSURE, 0, Duration.ofMinutes(2));
        executor.accept(bp);
        await().atMost(PATIENCE).until(() -> states(bp).contains(CommandState.FAILED));

        assertEquals(List.of(CommandState.RUNNING, CommandState.FAILED), states(bp));
        assertTrue(last(bp).reason().contains("cuff loose"), last(bp).reason());
    }

    @Test
    void anAbsentScaleReportsFailedAndTemperatureIsOneFreshReading() {
        kiosk.unplug(Hx711Scale.DEFAULT_ID);
        Command weight = command(CommandKind.WEIGHT, 0, Duration.ofMinutes(2));
        Command temperature = command(CommandKind.TEMPERATURE, 0, Duration.ofMinutes(2));
        executor.accept(weight);
        executor.accept(temperature);
        await().atMost(PATIENCE).until(() -> states(temperature).contains(CommandState.DONE));

        assertEquals(List.of(CommandState.RUNNING, CommandState.FAILED), states(weight));
        assertTrue(last(weight).reason().startsWith("scale: no answer"), last(weight).reason());
        long seq = last(temperature).seqs().getFirst();
        assertTrue(sent.stream().anyMatch(m -> m instanceof Measurement r && r.seq() == seq
                && r.loinc().equals(LoincCode.BODY_TEMPERATURE)));
    }

    @Test
    void anEcgCommandCollectsTheBatchesOfItsSeconds() {
        // The ECG streams from start; the command begins once it does (a busy machine may take a while).
        await().atMost(PATIENCE).until(() -> sent.stream().anyMatch(m -> m instanceof WaveformBatch w
                && w.sensor().equals(FittedSensors.ECG_ID)));
        Command ecg = command(CommandKind.ECG, 3, Duration.ofMinutes(2));
        executor.accept(ecg);
        await().atMost(PATIENCE).until(() -> states(ecg).size() == 2);
        assertEquals(CommandState.DONE, last(ecg).state(), last(ecg).toString());

        List<Long> seqs = last(ecg).seqs();
        assertTrue(!seqs.isEmpty(), "batches: " + seqs);
        assertTrue(sent.stream().filter(m -> m instanceof WaveformBatch w && seqs.contains(w.seq()))
                .allMatch(m -> ((WaveformBatch) m).sensor().equals(FittedSensors.ECG_ID)));
    }

    @Test
    void aRedeliveredCommandRunsOnceAndAnExpiredOneIsReportedWithoutRunning() {
        Command temperature = command(CommandKind.TEMPERATURE, 0, Duration.ofMinutes(2));
        Instant past = Instant.now().minusSeconds(120);
        Command stale = new Command(KIOSK, UUID.randomUUID(), CommandKind.WEIGHT, 0, past, past.plusSeconds(60));
        executor.accept(temperature);
        executor.accept(temperature);
        executor.accept(stale);
        await().atMost(PATIENCE).until(() -> states(stale).contains(CommandState.EXPIRED));

        assertEquals(List.of(CommandState.RUNNING, CommandState.DONE), states(temperature));
        assertEquals(List.of(CommandState.EXPIRED), states(stale));
    }

    @Test
    void updatesThatCouldNotBeSentGoOutInOrderAfterTheNextConnect() {
        List<KioskMessage> published = new CopyOnWriteArrayList<>();
        boolean[] up = {false};
        UpdateSender sender = new UpdateSender(message -> {
            if (!up[0]) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            published.add(message);
            return CompletableFuture.completedFuture(null);
        });
        UUID id = UUID.randomUUID();
        sender.send(CommandUpdate.running(KIOSK, id, Instant.now()));
        sender.send(CommandUpdate.done(KIOSK, id, List.of(3L), Instant.now()));
        assertEquals(2, sender.queued());
        up[0] = true;
        sender.connected();
        assertEquals(List.of(CommandState.RUNNING, CommandState.DONE),
                published.stream().map(m -> ((CommandUpdate) m).state()).toList());
        assertEquals(0, sender.queued());
    }
}

package org.telekiosk.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

class WaveformAssemblerTest {
    private static final long PERIOD = 4_000_000; // 250 samples/s

    @TempDir
    Path dataDir;

    private final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    private final FakeTime time = new FakeTime();
    private WaveformAssembler assembler;
    private long start;

    @BeforeEach
    void assembler() throws IOException {
        ReadingOutlet outlet = new ReadingOutlet(KioskId.of("wmk-lab-03"), SequenceCounter.open(dataDir), sent::add);
        assembler = new WaveformAssembler(SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250, 0.001, 250,
                outlet, time.timeline());
        start = time.nanoTime();
    }

    private List<WaveformBatch> batches() {
        return sent.stream().map(WaveformBatch.class::cast).toList();
    }

    /** Adds {@code count} samples, each polled {@code jitter(i)} ns off its nominal time. */
    private void addSamples(int from, int count, java.util.function.IntToLongFunction jitter) {
        for (int i = from; i < from + count; i++) {
            assembler.add(i, start + i * PERIOD + jitter.applyAsLong(i));
        }
    }

    @Test
    void everyBatchCarriesOneSecondOfSamplesWithItsRateUnitScaleAndTheWallTimeOfItsFirstSample() {
        addSamples(0, 500, i -> 0);

        List<WaveformBatch> batches = batches();
        assertEquals(2, batches.size());
        WaveformBatch first = batches.getFirst();
        assertEquals(250, first.samples().size());
        assertEquals(250.0, first.sampleRate());
        assertEquals(0.001, first.scale());
        assertEquals(UcumUnit.MILLIVOLT, first.unit());
        assertEquals(Signal.ECG, first.signal());
        assertEquals(FakeTime.WALL_START, first.start());
        assertEquals(IntStream.range(0, 250).boxed().toList(), first.samples());
        assertEquals(FakeTime.WALL_START.plusSeconds(1), batches.get(1).start());
        assertEquals(List.of(1L, 2L), batches.stream().map(WaveformBatch::seq).toList());
    }

    @Test
    void consecutiveBatchesLineUpExactlyDespiteThePollersJitter() {
        addSamples(0, 750, i -> (i * 7919L % 3_000_000) - 1_500_000);

        List<WaveformBatch> batches = batches();
        assertEquals(3, batches.size());
        for (int i = 1; i < batches.size(); i++) {
            assertEquals(batches.get(i - 1).start().plus(batches.get(i - 1).duration()), batches.get(i).start());
        }
    }

    @Test
    void aGapSendsThePartialBatchAndTheNextSampleStartsANewBatchAtItsOwnTime() {
        addSamples(0, 100, i -> 0);
        assembler.gap();
        time.advance(Duration.ofSeconds(3));
        assembler.add(7, start + 3_000_000_000L + 100 * PERIOD);
        assembler.gap();

        List<WaveformBatch> batches = batches();
        assertEquals(List.of(100, 1), batches.stream().map(b -> b.samples().size()).toList());
        assertEquals(FakeTime.WALL_START.plusMillis(3_400), batches.get(1).start());
    }

    @Test
    void aPollerThatFellFarBehindReanchorsTheNextBatchToTheClock() {
        addSamples(0, 250, i -> 0);
        assembler.add(1, start + 250 * PERIOD + 200_000_000);
        assembler.gap();

        assertEquals(FakeTime.WALL_START.plusMillis(1_200), batches().get(1).start());
    }

    @Test
    void aFifoChunkIsSpreadBackwardsFromThePollAtTheSampleRate() {
        assembler.addAll(List.of(1, 2, 3, 4, 5), start + 16 * PERIOD, false);
        assembler.gap();

        assertEquals(FakeTime.WALL_START.plusNanos(12 * PERIOD), batches().getFirst().start());
    }
}

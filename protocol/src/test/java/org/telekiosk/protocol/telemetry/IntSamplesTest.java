package org.telekiosk.protocol.telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

class IntSamplesTest {

    @Test
    void itIsAListOfItsValuesInEveryRespectButChange() {
        IntSamples samples = IntSamples.of(-12, 35, Integer.MAX_VALUE, Integer.MIN_VALUE, 0);
        List<Integer> boxed = List.of(-12, 35, Integer.MAX_VALUE, Integer.MIN_VALUE, 0);
        assertEquals(boxed, samples);
        assertEquals(samples, boxed);
        assertEquals(boxed.hashCode(), samples.hashCode());
        assertEquals(boxed.toString(), samples.toString());
        assertEquals(new ArrayList<>(boxed), samples);
        assertEquals(5, samples.size());
        assertEquals(Integer.MIN_VALUE, samples.getInt(3));
        assertEquals(35, samples.get(1));
        assertEquals(boxed, samples.intStream().boxed().toList());
        assertNotEquals(IntSamples.of(-12, 35), samples);
        assertThrows(IndexOutOfBoundsException.class, () -> samples.getInt(5));
        assertThrows(IndexOutOfBoundsException.class, () -> samples.getInt(-1));
    }

    @Test
    void nothingChangesItOnceMade() {
        int[] values = {1, 2, 3};
        IntSamples samples = IntSamples.of(values);
        values[0] = 99;
        assertEquals(List.of(1, 2, 3), samples);
        samples.toIntArray()[1] = 99;
        assertEquals(List.of(1, 2, 3), samples);
        assertThrows(UnsupportedOperationException.class, () -> samples.set(0, 5));
        assertThrows(UnsupportedOperationException.class, () -> samples.add(4));
        assertThrows(UnsupportedOperationException.class, () -> samples.remove(0));
        assertThrows(UnsupportedOperationException.class, samples::clear);
    }

    @Test
    void aListIsCopiedAndAnIntSamplesKept() {
        List<Integer> list = new ArrayList<>(List.of(7, 8));
        IntSamples copy = IntSamples.copyOf(list);
        list.set(0, 0);
        assertEquals(List.of(7, 8), copy);
        assertSame(copy, IntSamples.copyOf(copy));
        assertThrows(NullPointerException.class, () -> IntSamples.copyOf(Arrays.asList(1, null, 3)));
    }

    @Test
    void aBatchMadeFromAListHoldsItsValuesAndEqualsOneMadeFromInts() {
        List<Integer> list = new ArrayList<>(List.of(-12, 35, 1210));
        WaveformBatch fromList = batch(list);
        list.set(0, 0);
        WaveformBatch fromInts = new WaveformBatch(KioskId.of("wmk-lab-03"), 43, SensorId.of("ads1115"), Signal.ECG,
                UcumUnit.MILLIVOLT, 250, Instant.parse("2026-11-22T10:15:31Z"), 0.001, IntSamples.of(-12, 35, 1210));
        assertEquals(fromInts, fromList);
        assertEquals(fromInts.hashCode(), fromList.hashCode());
        assertEquals(fromInts.toString(), fromList.toString());
        assertArrayEquals(new int[] {-12, 35, 1210}, fromList.samples().toIntArray());
    }

    @Test
    void aBatchStillRefusesNullEmptyAndOversizedSamples() {
        assertThrows(NullPointerException.class, () -> batch(Arrays.asList(1, null)));
        assertThrows(NullPointerException.class, () -> batch((List<Integer>) null));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> batch(List.of()));
        assertEquals("samples must hold 1 to 10000 values, held 0", empty.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> batch(IntSamples.of(new int[WaveformBatch.MAX_SAMPLES + 1])));
        assertEquals("samples must hold 1 to 10000 values, held 10001", big.getMessage());
    }

    private static WaveformBatch batch(List<Integer> samples) {
        return new WaveformBatch(KioskId.of("wmk-lab-03"), 43, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT,
                250, Instant.parse("2026-11-22T10:15:31Z"), 0.001, samples);
    }

    private static WaveformBatch batch(IntSamples samples) {
        return new WaveformBatch(KioskId.of("wmk-lab-03"), 43, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT,
                250, Instant.parse("2026-11-22T10:15:31Z"), 0.001, samples);
    }
}

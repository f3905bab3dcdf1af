package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.stream.IntStream;

/**
 * The samples of a {@link WaveformBatch}: an immutable list of 32-bit signed integers, held in an {@code int[]}
 * rather than as boxed {@link Integer}s (a 250-sample ECG batch as a {@code List<Integer>} cost the broker about
 * 5 kB of objects to decode; issue 16). On the wire it is the same array of integers as any list of them, in JSON and
 * CBOR alike (protocol/README.md, {@code waveform}).
 *
 * <p>It is a {@link List} in every respect but change: {@link #equals}, {@link #hashCode} and {@link #toString} are
 * those of {@link List} (an {@code IntSamples} equals a {@code List.of(...)} of the same values), and every method that
 * would change it throws {@link UnsupportedOperationException}. {@link #getInt} and {@link #toIntArray} read the
 * values without boxing.
 */
@JsonSerialize(using = IntSamplesJson.Writer.class)
@JsonDeserialize(using = IntSamplesJson.Reader.class)
public final class IntSamples extends AbstractList<Integer> implements RandomAccess {
    private static final IntSamples EMPTY = new IntSamples(new int[0]);

    private final int[] values;

    private IntSamples(int[] values) {
        this.values = values;
    }

    /** The given values, copied. */
    public static IntSamples of(int... values) {
        return values.length == 0 ? EMPTY : new IntSamples(values.clone());
    }

    /**
     * The values of {@code samples}: the same object if it is an {@code IntSamples} already, else a copy.
     *
     * @throws NullPointerException if {@code samples} or one of its values is null
     */
    public static IntSamples copyOf(Collection<Integer> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples instanceof IntSamples already) {
            return already;
        }
        int[] values = new int[samples.size()];
        int i = 0;
        for (Integer value : samples) {
            values[i++] = value; // unboxing: a null value throws, as List.copyOf does
        }
        if (i != values.length) {
            throw new IllegalArgumentException("samples changed while being copied");
        }
        return values.length == 0 ? EMPTY : new IntSamples(values);
    }

    /**
     * {@code count} values, each the next that {@code values} supplies, in order: for a reader that knows how many
     * follow and reads them straight into the one array the samples keep (the CBOR codec's fast path), without a copy
     * and without the array ever leaving this class. Whatever {@code values} throws is thrown.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static IntSamples generate(int count, java.util.function.IntSupplier values) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        if (count == 0) {
            return EMPTY;
        }
        int[] array = new int[count];
        for (int i = 0; i < count; i++) {
            array[i] = values.getAsInt();
        }
        return new IntSamples(array);
    }

    /** Takes {@code values} as they are: the caller gives up the array. For the codec. */
    static IntSamples adopt(int[] values) {
        return new IntSamples(values);
    }

    /** The value at {@code index}, without boxing. */
    public int getInt(int index) {
        Objects.checkIndex(index, values.length);
        return values[index];
    }

    @Override
    public Integer get(int index) {
        return getInt(index);
    }

    @Override
    public int size() {
        return values.length;
    }

    /** A copy of the values. */
    public int[] toIntArray() {
        return values.clone();
    }

    /** The values as a stream of {@code int}s. */
    public IntStream intStream() {
        return Arrays.stream(values);
    }

    /** Hands the values to the codec's writer without a copy; it must not change them. */
    int[] values() {
        return values;
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof IntSamples samples) {
            return Arrays.equals(values, samples.values);
        }
        return super.equals(other);
    }

    /** {@link List#hashCode()}'s value, which for {@code int}s is {@link Arrays#hashCode(int[])}'s. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** {@link List}'s form, {@code [1, -2, 3]}. */
    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}

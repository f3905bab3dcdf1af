package org.telekiosk.protocol.codec;

import java.time.Instant;
import java.util.Arrays;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The JSON of the two viewer events sent per reading ({@link ViewerEvent.Waveform}, {@link ViewerEvent.Reading}),
 * written by hand into a reused array: byte for byte what {@link WireCodec#json} writes for them (same fields, order,
 * numbers, instants; {@code ViewerFrameJsonTest} holds the two equal), without Jackson's generator, serializer
 * provider, reflective accessors and boxed numbers per frame, which were a third of the broker's fan-out CPU a
 * reading (docs/benchmarks.md, "The intake and the doctors' sockets per reading"). Anything else, and any event with
 * a string that JSON would escape or a number that is not finite, is left to the codec ({@link #write} returns
 * false). Not thread-safe: one per thread.
 */
public final class ViewerFrameJson {
    private byte[] bytes = new byte[4096];
    private int length;

    /**
     * Writes {@code event}'s JSON, replacing what was written before, and returns true; false (nothing usable written)
     * for an event this writer leaves to {@link WireCodec}.
     */
    public boolean write(ViewerEvent event) {
        length = 0;
        return switch (event) {
            case ViewerEvent.Waveform w -> waveform(w.batch());
            case ViewerEvent.Reading r -> reading(r.measurement());
            default -> false;
        };
    }

    /** The array written into; its first {@link #length()} bytes are the frame. */
    public byte[] array() {
        return bytes;
    }

    /** How many bytes the last successful {@link #write} wrote. */
    public int length() {
        return length;
    }

    private boolean waveform(WaveformBatch b) {
        if (!Double.isFinite(b.sampleRate()) || !Double.isFinite(b.scale())) {
            return false;
        }
        ascii("{\"type\":\"waveform\",\"batch\":{\"type\":\"waveform\",\"kiosk\":");
        if (!string(b.kiosk().value())) {
            return false;
        }
        ascii(",\"seq\":");
        number(b.seq());
        ascii(",\"sensor\":");
        if (!string(b.sensor().value())) {
            return false;
        }
        ascii(switch (b.signal()) {
            case ECG -> ",\"signal\":\"ecg\",\"unit\":";
            case PLETH -> ",\"signal\":\"pleth\",\"unit\":";
        });
        if (!string(b.unit().value())) {
            return false;
        }
        ascii(",\"sampleRate\":");
        ascii(Double.toString(b.sampleRate()));
        ascii(",\"start\":\"");
        instant(b.start());
        ascii("\",\"scale\":");
        ascii(Double.toString(b.scale()));
        ascii(",\"samples\":[");
        IntSamples samples = b.samples();
        int n = samples.size();
        ensure(n * 12 + 4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                bytes[length++] = ',';
            }
            number(samples.getInt(i));
        }
        ascii("]}}");
        return true;
    }

    private boolean reading(Measurement m) {
        if (!Double.isFinite(m.value())) {
            return false;
        }
        ascii("{\"type\":\"reading\",\"measurement\":{\"type\":\"measurement\",\"kiosk\":");
        if (!string(m.kiosk().value())) {
            return false;
        }
        ascii(",\"seq\":");
        number(m.seq());
        ascii(",\"sensor\":");
        if (!string(m.sensor().value())) {
            return false;
        }
        ascii(",\"loinc\":");
        if (!string(m.loinc().value())) {
            return false;
        }
        ascii(",\"value\":");
        ascii(Double.toString(m.value()));
        ascii(",\"unit\":");
        if (!string(m.unit().value())) {
            return false;
        }
        ascii(",\"takenAt\":\"");
        instant(m.takenAt());
        ascii("\"}}");
        return true;
    }

    private void instant(Instant at) {
        ascii(IsoInstant.format(at));
    }

    /** A quoted string of printable ASCII without quotes or backslashes (JSON writes it as is); false otherwise. */
    private boolean string(String s) {
        int n = s.length();
        ensure(n + 2);
        bytes[length++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
            bytes[length++] = (byte) c;
        }
        bytes[length++] = '"';
        return true;
    }

    /** Characters known to be plain ASCII (the literals, numbers and instants above). */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    private void number(long value) {
        ensure(20);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                ascii(Long.toString(value));
                return;
            }
            bytes[length++] = '-';
            value = -value;
        }
        int start = length;
        do {
            bytes[length++] = (byte) ('0' + (int) (value % 10));
            value /= 10;
        } while (value != 0);
        for (int i = start, j = length - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A simulated blood-pressure monitor speaking the protocol of the package documentation, at the level of bytes; the
 * driver reaches it through a {@link SimulatedSerialPort}. Time is its own: each {@link #tick()} is one step of a
 * measurement, which takes {@code measurementTicks} ticks: the first third inflating the cuff to 30 mm[Hg] above
 * systolic, the rest measuring while it deflates; then the state is DONE and the result, from the configured
 * {@link Physiology}, can be read. The mean arterial pressure is reported as DIA + (SYS - DIA) / 3, rounded.
 *
 * <p>Like a real device, it ignores frames with broken framing or a wrong CRC (no answer), answers unknown commands
 * and commands with a payload with a NAK, a START during a measurement with NAK "busy", and READ_RESULT without a
 * finished measurement with NAK "no result".
 *
 * <p>Faults: {@link #failNextReply} (a damaged CRC, garbage bytes before the reply, no reply),
 * {@link #failNextMeasurement} (an error code half-way through), {@link #unplug()} / {@link #plugIn()}.
 * Thread-safe.
 */
public final class SimulatedBloodPressureMonitor implements SerialDeviceModel {

    /** What the simulated patient's circulation gives: pressures in mm[Hg], pulse in /min. */
    public record Physiology(int systolic, int diastolic, int pulse) {
        public Physiology {
            if (diastolic < 20 || diastolic >= systolic || systolic > 300 || pulse < 20 || pulse > 300) {
                throw new IllegalArgumentException("physiology needs 20 <= diastolic < systolic <= 300 mm[Hg] and a"
                        + " pulse of 20..300 /min, was " + systolic + "/" + diastolic + ", " + pulse);
            }
        }

        /** Mean arterial pressure, as the monitor reports it. */
        public int mean() {
            return Math.round(diastolic + (systolic - diastolic) / 3.0f);
        }
    }

    /** A fault in the next reply. */
    public enum ReplyFault {
        /** The reply's CRC has one bit flipped. */
        CHECKSUM,
        /** Noise precedes the reply, with false frame starts in it. */
        GARBAGE,
        /** The command is lost: no reply at all. */
        NO_ANSWER
    }

    private final int measurementTicks;
    private final Random noise;
    private final FrameDecoder decoder = new FrameDecoder();
    private final Deque<Byte> outgoing = new ArrayDeque<>();
    private final Deque<ReplyFault> replyFaults = new ArrayDeque<>();
    private Physiology physiology;
    private MonitorError nextMeasurementError;
    private boolean plugged = true;

    private MonitorState state = MonitorState.IDLE;
    private MonitorError error;
    private int ticks;
    private Physiology result;

    /**
     * @param physiology       the patient's values
     * @param measurementTicks how many ticks a measurement takes, 3..10000
     * @param seed             seed of the garbage bytes
     */
    public SimulatedBloodPressureMonitor(Physiology physiology, int measurementTicks, long seed) {
        if (measurementTicks < 3 || measurementTicks > 10_000) {
            throw new IllegalArgumentException("a measurement takes 3..10000 ticks, was " + measurementTicks);
        }
        this.physiology = Objects.requireNonNull(physiology, "physiology");
        this.measurementTicks = measurementTicks;
        this.noise = new Random(seed);
    }

    /** Changes the patient's values for the next measurement. */
    public synchronized void setPhysiology(Physiology physiology) {
        this.physiology = Objects.requireNonNull(physiology, "physiology");
    }

    /** Damages the next reply as {@code fault} says; faults queue up, one per reply. */
    public synchronized void failNextReply(ReplyFault fault) {
        replyFaults.add(Objects.requireNonNull(fault, "fault"));
    }

    /** Makes the next measurement fail half-way with {@code error}. */
    public synchronized void failNextMeasurement(MonitorError error) {
        nextMeasurementError = Objects.requireNonNull(error, "error");
    }

    /** Pulls the cable: nothing the host sends arrives, nothing comes back. */
    public synchronized void unplug() {
        plugged = false;
        outgoing.clear();
        decoder.clear();
    }

    /** Plugs the cable back in; the monitor was not reset (it has its own battery). */
    public synchronized void plugIn() {
        plugged = true;
    }

    /** The monitor's state, as a test sees it. */
    public synchronized MonitorState state() {
        return state;
    }

    /** One step of the monitor's own clock. */
    public synchronized void tick() {
        if (state != MonitorState.INFLATING && state != MonitorState.MEASURING) {
            return;
        }
        ticks++;
        if (nextMeasurementError != null && ticks >= measurementTicks / 2) {
            state = MonitorState.ERROR;
            error = nextMeasurementError;
            nextMeasurementError = null;
        } else if (ticks >= measurementTicks) {
            state = MonitorState.DONE;
            result = physiology;
        } else {
            state = ticks < measurementTicks / 3 ? MonitorState.INFLATING : MonitorState.MEASURING;
        }
    }

    @Override
    public synchronized void received(byte[] bytes) {
        if (!plugged) {
            return;
        }
        decoder.feed(bytes, 0, bytes.length);
        while (true) {
            Optional<Frame> frame;
            try {
                frame = decoder.next();
            } catch (FrameDecoder.ChecksumMismatch e) {
                continue; // a damaged command is not answered; the host times out and may retry
            }
            if (frame.isEmpty()) {
                return;
            }
            reply(answer(frame.get()));
        }
    }

    @Override
    public synchronized int transmitted(byte[] buffer, int offset, int length) {
        int count = 0;
        while (count < length && !outgoing.isEmpty()) {
            buffer[offset + count++] = outgoing.poll();
        }
        return count;
    }

    private Frame answer(Frame command) {
        Optional<MonitorRequest> known = MonitorRequest.of(command.code());
        if (known.isEmpty()) {
            return nak(command.code(), NakReason.UNKNOWN_COMMAND);
        }
        if (command.payload().length != 0) {
            return nak(command.code(), NakReason.BAD_LENGTH);
        }
        MonitorRequest c = known.get();
        return switch (c) {
            case START_MEASUREMENT -> {
                if (state == MonitorState.INFLATING || state == MonitorState.MEASURING) {
                    yield nak(c.code(), NakReason.BUSY);
                }
                state = MonitorState.INFLATING;
                error = null;
                result = null;
                ticks = 0;
                yield Frame.of(c.replyCode());
            }
            case READ_STATUS -> new Frame(c.replyCode(), new byte[] {(byte) state.code(),
                    (byte) (error == null ? 0 : error.code()), (byte) (cuffPressure() >> 8), (byte) cuffPressure()});
            case READ_RESULT -> result == null ? nak(c.code(), NakReason.NO_RESULT)
                    : new Frame(c.replyCode(), words(result.systolic(), result.diastolic(), result.mean(),
                            result.pulse()));
            case ABORT -> {
                if (state == MonitorState.INFLATING || state == MonitorState.MEASURING) {
                    state = MonitorState.IDLE;
                }
                yield Frame.of(c.replyCode());
            }
        };
    }

    private int cuffPressure() {
        int peak = physiology.systolic() + 30;
        int inflation = Math.max(1, measurementTicks / 3);
        return switch (state) {
            case INFLATING -> peak * ticks / inflation;
            case MEASURING -> peak - (peak - physiology.diastolic() + 20) * (ticks - inflation)
                    / Math.max(1, measurementTicks - inflation);
            default -> 0;
        };
    }

    private void reply(Frame frame) {
        byte[] bytes = frame.encode();
        ReplyFault fault = replyFaults.poll();
        if (fault == ReplyFault.NO_ANSWER) {
            return;
        }
        if (fault == ReplyFault.CHECKSUM) {
            bytes[bytes.length - 2] ^= 0x01;
        }
        if (fault == ReplyFault.GARBAGE) {
            // A false start whose ETX is not where its LEN says, random noise, and a false start cut short.
            for (int b : new int[] {0x02, 0x05, 0x82, 0x00, 0x11, 0x02, 0x7E}) {
                outgoing.add((byte) b);
            }
            for (int i = 0; i < 12; i++) {
                outgoing.add((byte) noise.nextInt(256));
            }
            outgoing.add((byte) Frame.STX);
            outgoing.add((byte) 0x20);
        }
        for (byte b : bytes) {
            outgoing.add(b);
        }
    }

    private static Frame nak(int code, NakReason reason) {
        return new Frame(MonitorRequest.NAK, new byte[] {(byte) code, (byte) reason.code()});
    }

    private static byte[] words(int... values) {
        byte[] bytes = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            bytes[2 * i] = (byte) (values[i] >> 8);
            bytes[2 * i + 1] = (byte) values[i];
        }
        return bytes;
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * Driver for a serial blood-pressure monitor speaking the protocol of the package documentation. {@link #measure()}
 * starts a measurement, polls the status every {@link Settings#pollInterval()} until the monitor is done, and reads
 * the result. Every way this can fail ends in a {@link SensorException}, never in a wrong number:
 *
 * <ul>
 *   <li>no answer (or no serial device): {@link Kind#NO_ANSWER}; no valid frame: {@link Kind#BUS_ERROR};</li>
 *   <li>a damaged frame (CRC mismatch): {@link Kind#CHECKSUM};</li>
 *   <li>the monitor reports an error code, refuses a command, or does not finish within
 *       {@link Settings#maxPolls()} polls: {@link Kind#DEVICE_ERROR}, with the code's meaning;</li>
 *   <li>a result no human can have (e.g. diastolic above systolic): {@link Kind#OUT_OF_RANGE}.</li>
 * </ul>
 *
 * <p>A START refused as busy means a measurement is left over from before (the agent restarted, the cable was
 * pulled): the driver aborts it and starts afresh, once. If a measurement fails at any point, even at START (whose
 * reply may be lost after the cuff started inflating), the driver sends ABORT so that the cuff deflates; should that
 * fail too, the abort's failure is attached to the reported one as suppressed. Methods are synchronized: one
 * exchange at a time owns the port.
 */
public final class BloodPressureMonitor {

    /**
     * @param replyTimeout how long the line may stay silent while a reply is awaited, 10 ms..10 s
     * @param pollInterval pause between status polls, at most 10 s
     * @param maxPolls     status polls before a measurement is given up, 1..10000
     */
    public record Settings(Duration replyTimeout, Duration pollInterval, int maxPolls) {
        /** 500 ms replies, a poll a second, at most three minutes. */
        public static final Settings DEFAULT = new Settings(Duration.ofMillis(500), Duration.ofSeconds(1), 180);

        public Settings {
            if (replyTimeout == null || replyTimeout.toMillis() < 10 || replyTimeout.toMillis() > 10_000) {
                throw new IllegalArgumentException("reply timeout must be 10 ms..10 s, was " + replyTimeout);
            }
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.toMillis() > 10_000) {
                throw new IllegalArgumentException("poll interval must be 0..10 s, was " + pollInterval);
            }
            if (maxPolls < 1 || maxPolls > 10_000) {
                throw new IllegalArgumentException("max polls must be 1..10000, was " + maxPolls);
            }
        }
    }

    private final MonitorLink link;
    private final Pacer pacer;
    private final Settings settings;

    /** @param port an open serial port wired to the monitor */
    public BloodPressureMonitor(SerialPort port, Pacer pacer, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.link = new MonitorLink(port, settings.replyTimeout());
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    /** Takes one measurement; blocks for as long as the monitor measures (typically 30-60 s). */
    public synchronized BloodPressureReading measure() throws SensorException, InterruptedException {
        try {
            // Inside the try: a START whose reply was lost or damaged may still have started the cuff.
            start();
            for (int poll = 1; poll <= settings.maxPolls(); poll++) {
                pacer.pause(settings.pollInterval());
                MonitorStatus status = status();
                switch (status.state()) {
                    case INFLATING, MEASURING -> { }
                    case DONE -> {
                        return result();
                    }
                    case ERROR -> throw new SensorException(Kind.DEVICE_ERROR, "blood-pressure monitor reports error "
                            + String.format("0x%02X", status.error().orElseThrow().code()) + ", "
                            + status.error().orElseThrow().meaning());
                    case IDLE -> throw new SensorException(Kind.DEVICE_ERROR,
                            "blood-pressure monitor went idle during the measurement: it was stopped at the device");
                }
            }
            throw new SensorException(Kind.DEVICE_ERROR, String.format(Locale.ROOT,
                    "blood-pressure monitor did not finish within %d status polls", settings.maxPolls()));
        } catch (SensorException | InterruptedException | RuntimeException failure) {
            deflate(failure);
            throw failure;
        }
    }

    private void start() throws SensorException {
        Frame started = link.exchange(MonitorRequest.START_MEASUREMENT);
        if (started.code() == MonitorRequest.NAK && started.u8(1) == NakReason.BUSY.code()) {
            abort();
            started = link.exchange(MonitorRequest.START_MEASUREMENT);
        }
        expectEmpty(started, MonitorRequest.START_MEASUREMENT);
    }

    /** The monitor's status. */
    public synchronized MonitorStatus status() throws SensorException {
        Frame reply = request(MonitorRequest.READ_STATUS);
        requireLength(reply, 4, MonitorRequest.READ_STATUS);
        MonitorState state = MonitorState.of(reply.u8(0)).orElseThrow(() -> new SensorException(Kind.BUS_ERROR,
                String.format("blood-pressure monitor sent an unknown state 0x%02X", reply.u8(0))));
        Optional<MonitorError> error = Optional.empty();
        if (state == MonitorState.ERROR) {
            int code = reply.u8(1);
            error = Optional.of(MonitorError.of(code).orElseThrow(() -> new SensorException(Kind.DEVICE_ERROR,
                    String.format("blood-pressure monitor reports an unknown error 0x%02X", code))));
        }
        return new MonitorStatus(state, error, reply.u16(2));
    }

    /** Stops a measurement: the cuff deflates. */
    public synchronized void abort() throws SensorException {
        expectEmpty(request(MonitorRequest.ABORT), MonitorRequest.ABORT);
    }

    private BloodPressureReading result() throws SensorException {
        Frame reply = request(MonitorRequest.READ_RESULT);
        requireLength(reply, 8, MonitorRequest.READ_RESULT);
        int systolic = reply.u16(0);
        int diastolic = reply.u16(2);
        int mean = reply.u16(4);
        int pulse = reply.u16(6);
        boolean plausible = systolic >= 40 && systolic <= 300 && diastolic >= 20 && diastolic < systolic
                && mean >= diastolic && mean <= systolic && pulse >= 20 && pulse <= 300;
        if (!plausible) {
            throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "blood-pressure monitor sent an impossible result: %d/%d mm[Hg], mean %d, pulse %d/min",
                    systolic, diastolic, mean, pulse));
        }
        return new BloodPressureReading(systolic, diastolic, mean, pulse);
    }

    private void deflate(Exception failure) {
        try {
            abort();
        } catch (SensorException | RuntimeException abortFailure) {
            failure.addSuppressed(abortFailure);
        }
    }

    /** The reply to {@code command}; a NAK is {@link Kind#DEVICE_ERROR} with its reason. */
    private Frame request(MonitorRequest command) throws SensorException {
        return refusedOrReply(link.exchange(command), command);
    }

    private static Frame refusedOrReply(Frame reply, MonitorRequest command) throws SensorException {
        if (reply.code() == MonitorRequest.NAK) {
            throw new SensorException(Kind.DEVICE_ERROR, "blood-pressure monitor refused " + command + ": "
                    + NakReason.describe(reply.u8(1)));
        }
        return reply;
    }

    private static void expectEmpty(Frame reply, MonitorRequest command) throws SensorException {
        requireLength(refusedOrReply(reply, command), 0, command);
    }

    private static void requireLength(Frame reply, int length, MonitorRequest command) throws SensorException {
        if (reply.payload().length != length) {
            throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                    "blood-pressure monitor answered %s with %d payload bytes instead of %d", command,
                    reply.payload().length, length));
        }
    }
}

package org.telekiosk.agent.sensor.bloodpressure;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * One command and its reply over the serial port: drains stale bytes, sends the command frame, and reads until the
 * matching reply arrives. Frames that answer something else (a reply that came too late) are skipped; garbage is
 * skipped by the {@link FrameDecoder}. It gives up, with {@link Kind#BUS_ERROR}, when the line stays silent for the
 * reply timeout or when {@value #MAX_BYTES_PER_REPLY} bytes bring no reply; a damaged reply is
 * {@link Kind#CHECKSUM}. The timeouts are the port's: the link reads no clock.
 */
final class MonitorLink {

    static final int MAX_BYTES_PER_REPLY = 256;

    private final SerialPort port;
    private final Duration replyTimeout;
    private final FrameDecoder decoder = new FrameDecoder();
    private final byte[] chunk = new byte[64];

    MonitorLink(SerialPort port, Duration replyTimeout) {
        this.port = Objects.requireNonNull(port, "port");
        this.replyTimeout = Objects.requireNonNull(replyTimeout, "replyTimeout");
    }

    /** Sends {@code command} and returns the monitor's reply to it: its reply frame or a NAK naming it. */
    Frame exchange(MonitorRequest command) throws SensorException {
        try {
            drain();
            port.write(Frame.of(command.code()).encode());
            return awaitReply(command);
        } catch (IOException e) {
            throw new SensorException(Kind.NO_ANSWER, "blood-pressure monitor: serial port failed during "
                    + command + ": " + e.getMessage(), e);
        }
    }

    private Frame awaitReply(MonitorRequest command) throws IOException, SensorException {
        int received = 0;
        while (received <= MAX_BYTES_PER_REPLY) {
            Optional<Frame> frame = nextFrame(command);
            if (frame.isPresent()) {
                Frame reply = frame.get();
                if (reply.code() == command.replyCode()) {
                    return reply;
                }
                if (reply.code() == MonitorRequest.NAK && reply.payload().length == 2 && reply.u8(0) == command.code()) {
                    return reply;
                }
                continue; // an answer to an earlier command, arrived late
            }
            int count = port.read(chunk, 0, chunk.length, replyTimeout);
            if (count == 0) {
                if (decoder.dropFalseStart()) {
                    continue;
                }
                throw new SensorException(Kind.NO_ANSWER, String.format(Locale.ROOT,
                        "blood-pressure monitor: no answer to %s within %d ms", command, replyTimeout.toMillis()));
            }
            decoder.feed(chunk, 0, count);
            received += count;
        }
        throw new SensorException(Kind.BUS_ERROR, String.format(Locale.ROOT,
                "blood-pressure monitor: no valid reply to %s in %d bytes; the line is noisy or the baud rate wrong",
                command, received));
    }

    private Optional<Frame> nextFrame(MonitorRequest command) throws SensorException {
        try {
            return decoder.next();
        } catch (FrameDecoder.ChecksumMismatch e) {
            throw new SensorException(Kind.CHECKSUM, "blood-pressure monitor: reply to " + command + " damaged: "
                    + e.getMessage(), e);
        }
    }

    /** Whatever is still in the line belongs to an earlier exchange. */
    private void drain() throws IOException {
        decoder.clear();
        while (port.read(chunk, 0, chunk.length, Duration.ZERO) > 0) {
            // discard
        }
    }
}

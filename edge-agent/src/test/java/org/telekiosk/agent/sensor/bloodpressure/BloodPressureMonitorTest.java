package org.telekiosk.agent.sensor.bloodpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor.Physiology;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor.ReplyFault;

class BloodPressureMonitorTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    private final SimulatedBloodPressureMonitor device =
            new SimulatedBloodPressureMonitor(new Physiology(120, 80, 72), 30, 5);
    private final List<String> sent = new ArrayList<>();
    private final SimulatedSerialPort port = new SimulatedSerialPort(new SerialDeviceModel() {
        @Override
        public void received(byte[] bytes) {
            sent.add(HEX.formatHex(bytes));
            device.received(bytes);
        }

        @Override
        public int transmitted(byte[] buffer, int offset, int length) {
            return device.transmitted(buffer, offset, length);
        }
    });
    private final BloodPressureMonitor monitor = new BloodPressureMonitor(port, interval -> device.tick(),
            new BloodPressureMonitor.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 40));

    BloodPressureMonitorTest() {
        port.open();
    }

    @Test
    void aMeasurementStartsPollsTheStatusUntilDoneAndReadsTheResult() throws Exception {
        assertEquals(new BloodPressureReading(120, 80, 93, 72), monitor.measure());
        assertEquals("02 01 01 12 03", sent.getFirst());
        assertEquals(30, sent.stream().filter("02 01 02 1B 03"::equals).count());
        assertEquals("02 01 03 1C 03", sent.getLast());
    }

    @Test
    void eachDeviceErrorCodeIsADeviceErrorWithItsMeaningAndTheCuffIsReleased() throws Exception {
        for (MonitorError error : MonitorError.values()) {
            device.failNextMeasurement(error);
            SensorException e = assertThrows(SensorException.class, monitor::measure);
            assertEquals(Kind.DEVICE_ERROR, e.kind());
            assertEquals(String.format("blood-pressure monitor reports error 0x%02X, %s", error.code(),
                    error.meaning()), e.getMessage());
            assertEquals("02 01 04 09 03", sent.getLast(), "ABORT after " + error);
        }
        assertEquals(new BloodPressureReading(120, 80, 93, 72), monitor.measure());
    }

    @Test
    void aDamagedReplyIsAChecksumError() {
        device.failNextReply(ReplyFault.CHECKSUM);
        SensorException e = assertThrows(SensorException.class, monitor::status);
        assertEquals(Kind.CHECKSUM, e.kind());
        assertTrue(e.getMessage().startsWith("blood-pressure monitor: reply to READ_STATUS damaged: CRC mismatch"),
                e.getMessage());
    }

    @Test
    void garbageBeforeAReplyIsSkipped() throws Exception {
        device.failNextReply(ReplyFault.GARBAGE);
        assertEquals(MonitorState.IDLE, monitor.status().state());
    }

    @Test
    void silenceIsNoAnswerNamingTheCommandAndTheTimeout() {
        device.failNextReply(ReplyFault.NO_ANSWER);
        SensorException e = assertThrows(SensorException.class, monitor::status);
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertEquals("blood-pressure monitor: no answer to READ_STATUS within 200 ms", e.getMessage());
    }

    @Test
    void aLateReplyFromAnEarlierCommandIsNotTakenForTheAnswer() throws Exception {
        device.failNextReply(ReplyFault.NO_ANSWER);
        assertThrows(SensorException.class, monitor::status);
        device.received(Frame.of(MonitorRequest.READ_RESULT.code()).encode()); // NAK "no result" queued, unread
        assertEquals(MonitorState.IDLE, monitor.status().state());
    }

    @Test
    void aMeasurementThatNeverEndsIsAbortedAfterTheBoundedPolls() {
        BloodPressureMonitor impatient = new BloodPressureMonitor(port, interval -> device.tick(),
                new BloodPressureMonitor.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 10));
        SensorException e = assertThrows(SensorException.class, impatient::measure);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("blood-pressure monitor did not finish within 10 status polls", e.getMessage());
        assertEquals(MonitorState.IDLE, device.state());
    }

    @Test
    void aMeasurementLeftRunningFromBeforeIsAbortedAndStartedAfresh() throws Exception {
        port.write(Frame.of(MonitorRequest.START_MEASUREMENT.code()).encode());
        device.tick();
        assertEquals(new BloodPressureReading(120, 80, 93, 72), monitor.measure());
        assertEquals(List.of("02 01 01 12 03", "02 01 01 12 03", "02 01 04 09 03", "02 01 01 12 03"),
                sent.subList(0, 4));
    }

    @Test
    void aCommandTheMonitorRefusesIsADeviceErrorWithTheNaksReason() {
        SerialPort refusing = new SimulatedSerialPort(new SerialDeviceModel() {
            private byte[] reply = new byte[0];

            @Override
            public void received(byte[] bytes) {
                reply = new Frame(MonitorRequest.NAK, new byte[] {bytes[2], (byte) NakReason.UNKNOWN_COMMAND.code()})
                        .encode();
            }

            @Override
            public int transmitted(byte[] buffer, int offset, int length) {
                int count = Math.min(length, reply.length);
                System.arraycopy(reply, 0, buffer, offset, count);
                reply = java.util.Arrays.copyOfRange(reply, count, reply.length);
                return count;
            }
        });
        try (refusing) {
            refusing.open();
            SensorException e = assertThrows(SensorException.class,
                    new BloodPressureMonitor(refusing, interval -> { }, BloodPressureMonitor.Settings.DEFAULT)::status);
            assertEquals(Kind.DEVICE_ERROR, e.kind());
            assertEquals("blood-pressure monitor refused READ_STATUS: unknown command", e.getMessage());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMonitorUnpluggedMidMeasurementIsNoAnswerKeepingTheFailedAbortAsSuppressedAndRecovers()
            throws Exception {
        int[] polls = {0};
        BloodPressureMonitor pulled = new BloodPressureMonitor(port, interval -> {
            device.tick();
            if (++polls[0] == 5) {
                device.unplug();
            }
        }, BloodPressureMonitor.Settings.DEFAULT);
        SensorException e = assertThrows(SensorException.class, pulled::measure);
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertEquals("blood-pressure monitor: no answer to READ_STATUS within 500 ms", e.getMessage());
        assertEquals("blood-pressure monitor: no answer to ABORT within 500 ms", e.getSuppressed()[0].getMessage());
        device.plugIn();
        assertEquals(new BloodPressureReading(120, 80, 93, 72), pulled.measure());
    }

    @Test
    void anImpossibleResultIsOutOfRangeNotAReading() throws Exception {
        SimulatedSerialPort scripted = new SimulatedSerialPort(new ScriptedMonitor(code -> switch (code) {
            case 0x02 -> new Frame(0x82, new byte[] {0x03, 0, 0, 0});
            case 0x03 -> new Frame(0x83, new byte[] {0, 80, 0, 120, 0, 93, 0, 72});
            default -> Frame.of(code | 0x80);
        }));
        scripted.open();
        SensorException e = assertThrows(SensorException.class,
                new BloodPressureMonitor(scripted, interval -> { }, BloodPressureMonitor.Settings.DEFAULT)::measure);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals("blood-pressure monitor sent an impossible result: 80/120 mm[Hg], mean 93, pulse 72/min",
                e.getMessage());
    }

    @Test
    void anUnknownErrorCodeIsStillADeviceErrorNamingTheCode() throws Exception {
        SimulatedSerialPort scripted = new SimulatedSerialPort(new ScriptedMonitor(code -> code == 0x02
                ? new Frame(0x82, new byte[] {0x04, 0x42, 0, 0}) : Frame.of(code | 0x80)));
        scripted.open();
        SensorException e = assertThrows(SensorException.class,
                new BloodPressureMonitor(scripted, interval -> { }, BloodPressureMonitor.Settings.DEFAULT)::measure);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("blood-pressure monitor reports an unknown error 0x42", e.getMessage());
    }
}

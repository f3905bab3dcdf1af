package org.telekiosk.hardware.bloodpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureReading;
import org.telekiosk.agent.sensor.bloodpressure.MonitorRequest;
import org.telekiosk.agent.sensor.bloodpressure.MonitorError;
import org.telekiosk.agent.sensor.bloodpressure.MonitorState;
import org.telekiosk.agent.sensor.bloodpressure.Pacer;
import org.telekiosk.agent.sensor.bloodpressure.SerialDeviceModel;
import org.telekiosk.agent.sensor.bloodpressure.SerialPort;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor.Physiology;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedBloodPressureMonitor.ReplyFault;
import org.telekiosk.agent.sensor.bloodpressure.SimulatedSerialPort;

/**
 * The contract against the simulated monitor, whose time advances one tick per status poll; and what only a
 * simulation can show: exact results for given physiology, each fault and each device error code reported as a
 * clear error and never as a reading, and recovery after the cable was pulled, with the same driver.
 */
class SimulatedBloodPressureMonitorContractTest extends BloodPressureMonitorContractTest {

    private final SimulatedBloodPressureMonitor device =
            new SimulatedBloodPressureMonitor(new Physiology(118, 76, 64), 40, 11);

    @Override
    SerialPort newPort() {
        return new SimulatedSerialPort(device);
    }

    @Override
    Pacer pacer() {
        return interval -> device.tick();
    }

    @ParameterizedTest(name = "{0}/{1} mm[Hg], pulse {2}: mean {3}")
    @CsvSource({"120, 80, 72, 93", "90, 60, 40, 70", "180, 110, 180, 133", "145, 95, 100, 112", "250, 140, 55, 177"})
    void theResultIsExactlyThePhysiologyWithTheMeanAsDiastolicPlusAThirdOfThePulsePressure(int systolic,
            int diastolic, int pulse, int mean) throws SensorException, InterruptedException {
        device.setPhysiology(new Physiology(systolic, diastolic, pulse));
        assertEquals(new BloodPressureReading(systolic, diastolic, mean, pulse), monitor.measure());
    }

    @ParameterizedTest
    @EnumSource(MonitorError.class)
    void eachDeviceErrorCodeIsADeviceErrorWithItsMeaningAndTheMonitorIsIdleAfterwards(MonitorError error) {
        device.failNextMeasurement(error);
        SensorException e = assertThrows(SensorException.class, monitor::measure);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertTrue(e.getMessage().endsWith(error.meaning()), e.getMessage());
        assertTrue(device.state() == MonitorState.ERROR || device.state() == MonitorState.IDLE);
    }

    @ParameterizedTest(name = "{0} in the reply to {1} is {2}, and the same driver measures next time")
    @CsvSource({
        "CHECKSUM, START_MEASUREMENT, CHECKSUM", "CHECKSUM, READ_STATUS, CHECKSUM", "CHECKSUM, READ_RESULT, CHECKSUM",
        "NO_ANSWER, START_MEASUREMENT, NO_ANSWER", "NO_ANSWER, READ_STATUS, NO_ANSWER",
        "NO_ANSWER, READ_RESULT, NO_ANSWER"})
    void aDamagedOrLostReplyIsAnErrorNeverAReading(ReplyFault fault, MonitorRequest command, Kind kind) throws Exception {
        SerialPort port = new SimulatedSerialPort(new SerialDeviceModel() {
            private boolean armed = true;

            @Override
            public void received(byte[] bytes) {
                if (armed && (bytes[2] & 0xFF) == command.code()) {
                    armed = false;
                    device.failNextReply(fault);
                }
                device.received(bytes);
            }

            @Override
            public int transmitted(byte[] buffer, int offset, int length) {
                return device.transmitted(buffer, offset, length);
            }
        });
        port.open();
        BloodPressureMonitor faulty = new BloodPressureMonitor(port, pacer(), BloodPressureMonitor.Settings.DEFAULT);
        SensorException e = assertThrows(SensorException.class, faulty::measure);
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(command.name()), e.getMessage());
        assertTrue(device.state() != MonitorState.INFLATING && device.state() != MonitorState.MEASURING,
                "the cuff was released: " + device.state());
        assertEquals(new BloodPressureReading(118, 76, 90, 64), faulty.measure());
    }

    @Test
    void garbageBytesOnTheLineDoNotDisturbAMeasurement() throws SensorException, InterruptedException {
        for (int i = 0; i < 5; i++) {
            device.failNextReply(ReplyFault.GARBAGE);
        }
        assertEquals(new BloodPressureReading(118, 76, 90, 64), monitor.measure());
    }

    @Test
    void aPulledCableIsNoAnswerAndTheSameDriverMeasuresOnceItIsBack() throws Exception {
        device.unplug();
        SensorException e = assertThrows(SensorException.class, monitor::measure);
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertEquals("blood-pressure monitor: no answer to START_MEASUREMENT within 500 ms", e.getMessage());
        assertEquals("blood-pressure monitor: no answer to ABORT within 500 ms", e.getSuppressed()[0].getMessage());
        device.plugIn();
        assertEquals(new BloodPressureReading(118, 76, 90, 64), monitor.measure());
    }

}

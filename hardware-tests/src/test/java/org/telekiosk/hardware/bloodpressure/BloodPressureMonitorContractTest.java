package org.telekiosk.hardware.bloodpressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureReading;
import org.telekiosk.agent.sensor.bloodpressure.MonitorState;
import org.telekiosk.agent.sensor.bloodpressure.MonitorStatus;
import org.telekiosk.agent.sensor.bloodpressure.Pacer;
import org.telekiosk.agent.sensor.bloodpressure.SerialPort;

/**
 * What every monitor speaking the Telekiosk monitor protocol (docs/hardware.md) must show, simulated or real, with a
 * cuff on an arm (a real one, or a test arm): the status answers with a known state and no error when idle, ABORT is
 * accepted at any time and leaves the monitor idle with the cuff deflated, and a measurement gives a plausible
 * result whose mean lies between diastolic and systolic. Subclasses supply the port and the pacer.
 */
abstract class BloodPressureMonitorContractTest {

    private SerialPort port;
    BloodPressureMonitor monitor;

    /** A serial port wired to the monitor under test, not yet open; the contract opens and closes it. */
    abstract SerialPort newPort();

    /** How the driver's status polls are paced. */
    abstract Pacer pacer();

    @BeforeEach
    final void openThePort() throws IOException, SensorException {
        port = newPort();
        port.open();
        monitor = new BloodPressureMonitor(port, pacer(), BloodPressureMonitor.Settings.DEFAULT);
        monitor.abort();
    }

    @AfterEach
    final void closeThePort() {
        if (port != null) {
            port.close();
        }
    }

    @Test
    void anIdleMonitorReportsIdleWithoutErrorAndADeflatedCuff() throws SensorException {
        MonitorStatus status = monitor.status();
        assertEquals(MonitorState.IDLE, status.state());
        assertTrue(status.error().isEmpty());
        assertTrue(status.cuffPressure() < 10, status.cuffPressure() + " mm[Hg]");
    }

    @Test
    void abortIsAcceptedWhenIdle() throws SensorException {
        monitor.abort();
        assertEquals(MonitorState.IDLE, monitor.status().state());
    }

    @Test
    void aMeasurementGivesAPlausibleResult() throws SensorException, InterruptedException {
        BloodPressureReading reading = monitor.measure();
        assertTrue(reading.systolic() > reading.diastolic(), reading.toString());
        assertTrue(reading.mean() >= reading.diastolic() && reading.mean() <= reading.systolic(), reading.toString());
        assertTrue(reading.pulse() >= 30 && reading.pulse() <= 220, reading.toString());
        assertEquals(MonitorState.DONE, monitor.status().state());
    }
}

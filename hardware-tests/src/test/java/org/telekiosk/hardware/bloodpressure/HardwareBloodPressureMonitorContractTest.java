package org.telekiosk.hardware.bloodpressure;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.agent.sensor.bloodpressure.JSerialCommPort;
import org.telekiosk.agent.sensor.bloodpressure.Pacer;
import org.telekiosk.agent.sensor.bloodpressure.SerialPort;

/**
 * The contract against a real monitor speaking the Telekiosk monitor protocol on the Pi's primary UART
 * ({@code /dev/serial0}), with the cuff on an arm: each measurement inflates the cuff, so a person (or a test arm)
 * must be there. Runs only with {@code mvn -Phardware ...}; otherwise skipped with the reason in the report.
 */
@EnabledIfSystemProperty(named = "telekiosk.hardware", matches = "true",
        disabledReason = "needs a blood-pressure monitor speaking the Telekiosk protocol on /dev/serial0 of a"
                + " Raspberry Pi, cuff on an arm: run with -Phardware")
class HardwareBloodPressureMonitorContractTest extends BloodPressureMonitorContractTest {

    @Override
    SerialPort newPort() {
        return new JSerialCommPort("/dev/serial0");
    }

    @Override
    Pacer pacer() {
        return Pacer.sleeping();
    }
}

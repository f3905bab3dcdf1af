package org.telekiosk.hardware.hx711;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.agent.sensor.hx711.PinTiming;

/**
 * The contract against a real HX711 module with its load cell, PD_SCK on BCM 6 and DOUT on BCM 5, RATE low (10 SPS),
 * the platform empty. Runs only with {@code mvn -Phardware ...}; otherwise every test is skipped with the reason in the
 * report. GPIO comes from {@code pi4j-plugin-ffm}, found by {@link Pi4J#newAutoContext()}; the timing busy-waits.
 */
@EnabledIfSystemProperty(named = "telekiosk.hardware", matches = "true",
        disabledReason = "needs a real HX711 with PD_SCK on GPIO 6 and DOUT on GPIO 5 of a Raspberry Pi, platform"
                + " empty: run with -Phardware")
class HardwareHx711ContractTest extends Hx711ContractTest {

    @Override
    Context newContext() {
        return Pi4J.newAutoContext();
    }

    @Override
    PinTiming timing() {
        return PinTiming.busyWaiting();
    }
}

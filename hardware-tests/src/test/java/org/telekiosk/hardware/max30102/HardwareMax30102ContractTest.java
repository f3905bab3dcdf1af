package org.telekiosk.hardware.max30102;

import static org.awaitility.Awaitility.await;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The contract against a real MAX30102 (or MAX30101) at I2C bus 1, address 0x57, on a Raspberry Pi with I2C enabled.
 * Runs only with {@code mvn -Phardware ...}; elsewhere every test is skipped with the reason in the report. The I2C
 * provider is {@code pi4j-plugin-ffm}, found by {@link Pi4J#newAutoContext()}.
 */
@EnabledIfSystemProperty(named = "telekiosk.hardware", matches = "true",
        disabledReason = "needs a real MAX30102 at I2C bus 1 address 0x57 on a Raspberry Pi: run with -Phardware")
class HardwareMax30102ContractTest extends Max30102ContractTest {

    @Override
    Context newContext() {
        return Pi4J.newAutoContext();
    }

    /** A real chip needs real time: Awaitility waits it out (the only way to let a real FIFO fill). */
    @Override
    void elapse(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }
}

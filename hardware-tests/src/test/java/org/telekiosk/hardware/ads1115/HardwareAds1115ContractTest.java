package org.telekiosk.hardware.ads1115;

import static org.awaitility.Awaitility.await;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The contract against a real ADS1115 at I2C bus 1, address 0x48 (ADDR to GND), with an AD8232 board's OUT on AIN0,
 * on a Raspberry Pi. Runs only with {@code mvn -Phardware ...}; elsewhere skipped with the reason in the report.
 */
@EnabledIfSystemProperty(named = "telekiosk.hardware", matches = "true",
        disabledReason = "needs a real ADS1115 at I2C bus 1 address 0x48 with an AD8232 on AIN0 on a Raspberry Pi:"
                + " run with -Phardware")
class HardwareAds1115ContractTest extends Ads1115ContractTest {

    @Override
    Context newContext() {
        return Pi4J.newAutoContext();
    }

    /** A real chip needs real time: Awaitility waits it out. */
    @Override
    void elapse(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }
}

package org.telekiosk.hardware.mlx90614;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The contract against a real MLX90614 at I2C bus 1, SMBus address 0x5A, on a Raspberry Pi with I2C enabled. Runs
 * only with {@code mvn -Phardware ...} (the profile sets {@code telekiosk.hardware=true}); otherwise every test is
 * skipped and the reason appears in the test report.
 *
 * <p>The real I2C provider is {@code pi4j-plugin-ffm} 4.0.2. It is not resolvable from the registry the CI uses, so
 * this module's {@code hardware} profile adds it and only a build on a Pi enables that profile. The context comes from
 * {@link Pi4J#newAutoContext()}, which finds the plugin at run time through Pi4J's service loading.
 */
@EnabledIfSystemProperty(named = "telekiosk.hardware", matches = "true",
        disabledReason = "needs a real MLX90614 at I2C bus 1 address 0x5A on a Raspberry Pi: run with -Phardware")
class HardwareMlx90614ContractTest extends Mlx90614ContractTest {

    @Override
    Context newContext() {
        return Pi4J.newAutoContext();
    }
}

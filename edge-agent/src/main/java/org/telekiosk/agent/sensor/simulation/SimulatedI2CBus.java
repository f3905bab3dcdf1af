package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CBusBase;
import com.pi4j.io.i2c.I2CConfig;
import java.util.concurrent.Callable;

/**
 * One simulated bus, shared by every {@link I2C} on it so that transfers to different chips are serialised as on a
 * real bus. {@link I2CBusBase} supplies Pi4J's lock and its error wrapping: a failing transfer reaches the caller as a
 * {@code Pi4JException} whose cause says what failed, exactly as with {@code pi4j-plugin-ffm}.
 */
final class SimulatedI2CBus extends I2CBusBase {

    SimulatedI2CBus(I2CConfig config) {
        super(config);
    }

    int number() {
        return bus;
    }

    @Override
    public <R> R execute(I2C i2c, Callable<R> action) {
        return _execute(i2c, action);
    }
}

package org.telekiosk.agent.sensor.simulation;

import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProviderBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pi4J 4 I2C provider for simulated chips. Opening an I2C device succeeds for any bus and address, as opening
 * {@code /dev/i2c-N} and selecting an address does on Linux; whether a chip answers is found out transfer by transfer.
 * One instance serves one Pi4J context (Pi4J binds a provider to the context that initialises it).
 */
public final class SimulatedI2CProvider extends I2CProviderBase {

    /** The provider id, as Pi4J lists it in {@code context.providers()}. */
    public static final String ID = "telekiosk-simulated-i2c";

    private final SimulatedI2CBuses buses;
    private final Map<Integer, SimulatedI2CBus> openBuses = new ConcurrentHashMap<>();

    public SimulatedI2CProvider(SimulatedI2CBuses buses) {
        super(ID, "Telekiosk simulated I2C");
        this.buses = buses;
    }

    @Override
    public I2C create(I2CConfig config) {
        SimulatedI2CBus bus = openBuses.computeIfAbsent(config.bus(), _ -> new SimulatedI2CBus(config));
        SimulatedI2C i2c = new SimulatedI2C(this, config, bus, buses);
        // Pi4J providers register what they create themselves; the registry refuses a second I2C for the same bus
        // and address, and shuts them all down with the context.
        context.registry().add(i2c);
        return i2c;
    }
}

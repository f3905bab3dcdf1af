package org.telekiosk.agent.sensor;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CImplementation;
import java.util.Locale;

/** Opening an I2C chip through Pi4J 4, the same way for every driver. */
public final class I2cDevices {
    private I2cDevices() {}

    /**
     * Opens {@code chip} at {@code address} on I2C {@code bus}, with Pi4J's DIRECT implementation: register reads are
     * joined to their register byte by a repeated start, as SMBus chips need (SMBUS turns multi-byte reads into block
     * reads that take the first byte as a length; FILE puts a STOP between write and read).
     *
     * @param chip a short name for the Pi4J id, e.g. {@code mlx90614}
     * @throws com.pi4j.exception.Pi4JException if Pi4J cannot open the bus or already has a device at that address
     */
    public static I2C open(Context pi4j, String chip, int bus, int address) {
        return pi4j.create(I2C.newConfigBuilder(pi4j)
                .id(String.format(Locale.ROOT, "%s-%d-%02x", chip, bus, address))
                .bus(bus)
                .device(address)
                .i2cImplementation(I2CImplementation.DIRECT)
                .build());
    }
}

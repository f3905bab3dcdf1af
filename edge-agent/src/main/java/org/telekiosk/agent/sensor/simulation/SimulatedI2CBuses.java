package org.telekiosk.agent.sensor.simulation;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which simulated chip sits at which I2C bus and 7-bit address. Chips may be attached and detached while contexts
 * are running (a sensor unplugged at a kiosk): every transfer looks its chip up afresh, and an address with nothing
 * attached answers no transfer at all, as on a real bus.
 */
public final class SimulatedI2CBuses {

    private record Slot(int bus, int address) {}

    private final Map<Slot, I2CDeviceModel> devices = new ConcurrentHashMap<>();

    /**
     * Attaches {@code model} at {@code address} on {@code bus}.
     *
     * @throws IllegalArgumentException if bus or address is out of range
     * @throws IllegalStateException    if another chip already sits there
     */
    public void attach(int bus, int address, I2CDeviceModel model) {
        Objects.requireNonNull(model, "model");
        I2CDeviceModel previous = devices.putIfAbsent(slot(bus, address), model);
        if (previous != null) {
            throw new IllegalStateException("I2C bus " + bus + " address " + hex(address) + " already has a chip: "
                    + previous);
        }
    }

    /** Removes the chip at {@code address} on {@code bus}, if any; from then on nobody answers there. */
    public void detach(int bus, int address) {
        devices.remove(slot(bus, address));
    }

    Optional<I2CDeviceModel> deviceAt(int bus, int address) {
        return Optional.ofNullable(devices.get(slot(bus, address)));
    }

    private static Slot slot(int bus, int address) {
        if (bus < 0) {
            throw new IllegalArgumentException("I2C bus must be 0 or more (Linux /dev/i2c-N), was " + bus);
        }
        if (address < 0 || address > 0x7F) {
            throw new IllegalArgumentException("I2C address must be a 7-bit address 0x00..0x7F, was " + address);
        }
        return new Slot(bus, address);
    }

    static String hex(int address) {
        return String.format("0x%02X", address);
    }
}

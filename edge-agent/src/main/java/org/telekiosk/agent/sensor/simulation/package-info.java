/**
 * Simulated hardware behind Pi4J 4's own I/O interfaces, for {@code --simulate} mode and for tests.
 *
 * <p>Drivers never see this package: they get a Pi4J {@link com.pi4j.io.i2c.I2C} from a Pi4J
 * {@link com.pi4j.context.Context}. {@link org.telekiosk.agent.sensor.simulation.SimulatedHardware} builds that context
 * with a provider of this package instead of a real one ({@code pi4j-plugin-ffm} on a Pi), and the provider routes
 * every bus transfer to a chip model ({@link org.telekiosk.agent.sensor.simulation.I2CDeviceModel}) attached at the
 * addressed bus and address. The model sees what the chip would see on the wire: the address, the bytes written, the
 * number of bytes read, and whether a repeated start joined a write to a read.
 *
 * <p>Only I2C exists today. GPIO chips (the HX711's clock and data lines) will get providers extending
 * {@code DigitalInputProviderBase} / {@code DigitalOutputProviderBase}, their own pin models, and a place in
 * {@code SimulatedHardware} next to the I2C buses.
 */
package org.telekiosk.agent.sensor.simulation;

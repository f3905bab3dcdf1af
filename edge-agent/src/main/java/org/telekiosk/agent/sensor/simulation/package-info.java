/**
 * Simulated hardware behind Pi4J 4's own I/O interfaces, for {@code --simulate} mode and for tests.
 *
 * <p>Drivers never see this package: they get a Pi4J {@link com.pi4j.io.i2c.I2C} from a Pi4J
 * {@link com.pi4j.context.Context}. {@link SimulatedHardware} builds that context
 * with a provider of this package instead of a real one ({@code pi4j-plugin-ffm} on a Pi), and the provider routes
 * every bus transfer to a chip model ({@link I2CDeviceModel}) attached at the
 * addressed bus and address. The model sees what the chip would see on the wire: the address, the bytes written, the
 * number of bytes read, and whether a repeated start joined a write to a read.
 *
 * <p>GPIO chips (the HX711's clock and data lines) work the same way one level down: the digital output and input
 * providers route each line, by BCM number, to a {@link GpioDeviceModel} wired
 * to it. The model sees every change of level the Pi drives, so it can react to clock edges, and answers what it
 * drives whenever the Pi reads; where it drives nothing, the input's configured pull resistor decides.
 */
package org.telekiosk.agent.sensor.simulation;

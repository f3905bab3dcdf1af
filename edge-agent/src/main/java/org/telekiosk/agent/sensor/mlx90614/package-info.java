/**
 * The Melexis MLX90614 infrared thermometer: the driver ({@link Mlx90614}), the
 * body-temperature sensor built on it, and a simulated chip for {@code --simulate} and tests.
 *
 * <p>References: Melexis, "MLX90614 family, Single and Dual Zone Infra Red Thermometer in TO-39", data sheet
 * 3901090614 Rev 008 (28 February 2013), cited as "datasheet §x"; and Melexis application note "SMBus communication
 * with MLX90614", 390119061402 Rev 004 (January 2008), cited as "SMBus application note".
 */
package org.telekiosk.agent.sensor.mlx90614;

/**
 * The Texas Instruments ADS1115 16-bit ADC: the driver ({@link Ads1115}) for
 * continuous conversion, and a simulated chip that samples simulated analog inputs.
 *
 * <p>Reference: Texas Instruments, "ADS111x Ultra-Small, Low-Power, I2C-Compatible, 860-SPS, 16-Bit ADCs With Internal
 * Reference, Oscillator, and Programmable Comparator", SBAS444D (May 2009, revised December 2018), cited as
 * "datasheet §x": §9.3.3 full-scale range and LSB size (Table 3), §9.3.5/§9.4.2 continuous-conversion mode, §9.5.3
 * reading and writing registers, §9.6 register map (§9.6.1 address pointer, §9.6.2 conversion register, §9.6.3 config
 * register, Table 8).
 */
package org.telekiosk.agent.sensor.ads1115;

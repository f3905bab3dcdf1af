/**
 * The Avia Semiconductor HX711 24-bit ADC for weigh scales, read over two GPIO lines: the driver
 * ({@link Hx711}), the body-weight sensor built on it
 * ({@link Hx711Scale}) with tare, calibration and its calibration file, and a
 * simulated chip for {@code --simulate} and tests.
 *
 * <p>Reference: Avia Semiconductor, "HX711 24-Bit Analog-to-Digital Converter (ADC) for Weigh Scales", data sheet,
 * cited as "datasheet" with the section titles it uses: "Serial Interface", Table 3 (input channel and gain selection),
 * Fig. 2 and Table 4 (timing), "Reset and Power-Down", "Output Data Rate and Format", "Analog Inputs".
 *
 * <h2>Timing (datasheet Fig. 2, Table 4; "Reset and Power-Down")</h2>
 * <table>
 *   <caption>What the driver keeps to</caption>
 *   <tr><th>symbol</th><th>datasheet</th><th>driver</th></tr>
 *   <tr><td>T1</td><td>DOUT falling edge to PD_SCK rising edge, min 0.1 µs</td><td>waits 0.1 µs after seeing DOUT low</td></tr>
 *   <tr><td>T2</td><td>PD_SCK rising edge to DOUT data ready, max 0.1 µs</td><td>samples DOUT after T3, well past T2</td></tr>
 *   <tr><td>T3</td><td>PD_SCK high time, min 0.2, typ 1, max 50 µs</td><td>holds 1 µs; a high time over 50 µs, measured on
 *       the injected clock, voids the reading</td></tr>
 *   <tr><td>T4</td><td>PD_SCK low time, min 0.2, typ 1 µs</td><td>holds 1 µs</td></tr>
 *   <tr><td>power-down</td><td>PD_SCK high for longer than 60 µs</td><td>holds 100 µs</td></tr>
 * </table>
 *
 * <p>No class here reads the wall clock or sleeps: every wait goes through {@link PinTiming},
 * whose real implementation busy-waits on {@code System.nanoTime()} and whose simulation advances the simulated chip's
 * own time, so a simulated read takes no real time at all.
 */
package org.telekiosk.agent.sensor.hx711;

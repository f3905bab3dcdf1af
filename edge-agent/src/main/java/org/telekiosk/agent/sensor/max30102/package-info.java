/**
 * The Maxim MAX30102 (and register-compatible MAX30101) pulse oximeter: the driver
 * ({@link Max30102}), SpO2 and pulse rate from its red/IR samples
 * ({@link PulseOximetry}), a sensor that keeps a window of samples and recovers
 * from faults ({@link PulseOximeter}), and a simulated chip for
 * {@code --simulate} and tests.
 *
 * <p>Reference: Maxim Integrated, "MAX30102 High-Sensitivity Pulse Oximeter and Heart-Rate Sensor for Wearable Health",
 * data sheet 19-7740 Rev 0 (9/15), cited as "datasheet" with its section or table: "Register Maps and Descriptions"
 * (Table 1), "FIFO" (write/read pointers, overflow counter, FIFO data, pseudo-code for reading the FIFO), "Mode
 * Configuration", "SpO2 Configuration" (Tables 6-8), "LED Pulse Amplitude", "Temperature Data".
 */
package org.telekiosk.agent.sensor.max30102;

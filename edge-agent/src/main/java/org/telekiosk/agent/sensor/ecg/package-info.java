/**
 * A single-lead ECG from an Analog Devices AD8232 front end read by an ADS1115: lead-off detection
 * ({@link LeadOffDetector}), R-peak detection and heart rate
 * ({@link PanTompkins}), the sensor the sampler polls
 * ({@link EcgMonitor}), and a simulated front end and ECG for {@code --simulate} and
 * tests.
 *
 * <p>References: Analog Devices, "AD8232 Single-Lead, Heart Rate Monitor Front End", data sheet Rev. B, cited as
 * "AD8232 datasheet" ("Lead-Off Detection", "Theory of Operation"); J. Pan and W. J. Tompkins, "A Real-Time QRS
 * Detection Algorithm", IEEE Trans. Biomed. Eng. BME-32(3):230-236, 1985; P. E. McSharry et al., "A dynamical model for
 * generating synthetic electrocardiogram signals", IEEE Trans. Biomed. Eng. 50(3):289-294, 2003 (the PQRST shape as a
 * sum of Gaussians).
 */
package org.telekiosk.agent.sensor.ecg;

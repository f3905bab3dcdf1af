package org.telekiosk.agent.sensor.max30102;

/**
 * One FIFO sample in SpO2 mode: the red (LED1) and infrared (LED2) ADC counts, 18-bit, left-justified (datasheet,
 * "FIFO Data"): at a lower resolution the lowest bits are zero, so counts compare across pulse widths.
 */
public record PpgSample(int red, int ir) {}

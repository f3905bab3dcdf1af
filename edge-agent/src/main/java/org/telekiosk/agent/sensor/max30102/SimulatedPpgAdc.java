package org.telekiosk.agent.sensor.max30102;

/**
 * The MAX30102's LED drivers and ADC as {@link SimulatedMax30102} models them: photocurrent = the source's transfer ×
 * LEDx_PA current (0.2 mA per step, datasheet Table 8); the ADC maps 0..SPO2_ADC_RGE nA onto 0..2^18-1 (Table 5);
 * SMP_AVE conversions are averaged into one sample, which is then truncated to the resolution of LED_PW (Table 7),
 * left-justified in 18 bits, and encoded as 3 bytes per channel, red first ("FIFO Data"). Not thread-safe.
 */
final class SimulatedPpgAdc {

    private static final int ADC_MAX = (1 << 18) - 1;

    private long red;
    private long ir;
    private int averaged;

    /** Forgets a partly averaged sample, as a configuration change does. */
    void restart() {
        red = 0;
        ir = 0;
        averaged = 0;
    }

    /**
     * One conversion with the given register values.
     *
     * @return the FIFO sample's bytes when this conversion completes an average, else {@code null}
     */
    byte[] convert(PpgSource.Transfer transfer, int spo2Config, int fifoConfig, int redCode, int irCode,
            boolean spo2Mode) {
        int fullScale = Max30102Config.AdcRange.values()[spo2Config >> 5 & 0x03].fullScaleNanoamps();
        red += adc(transfer.redNanoampsPerMilliamp() * Max30102Config.milliamps(redCode), fullScale);
        ir += adc(transfer.irNanoampsPerMilliamp() * Max30102Config.milliamps(irCode), fullScale);
        averaged++;
        int average = 1 << Math.min(fifoConfig >> 5, 5);
        if (averaged < average) {
            return null;
        }
        int lowBits = (1 << (3 - (spo2Config & 0x03))) - 1;
        byte[] redBytes = bytes((int) (red / average) & ~lowBits);
        byte[] sample = redBytes;
        if (spo2Mode) {
            byte[] irBytes = bytes((int) (ir / average) & ~lowBits);
            sample = new byte[] {redBytes[0], redBytes[1], redBytes[2], irBytes[0], irBytes[1], irBytes[2]};
        }
        restart();
        return sample;
    }

    private static int adc(double nanoamps, int fullScale) {
        return (int) Math.clamp(Math.floor(nanoamps / fullScale * (ADC_MAX + 1)), 0, ADC_MAX);
    }

    private static byte[] bytes(int value) {
        return new byte[] {(byte) (value >> 16 & 0x03), (byte) (value >> 8), (byte) value};
    }
}

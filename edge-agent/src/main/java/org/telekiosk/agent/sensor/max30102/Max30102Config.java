package org.telekiosk.agent.sensor.max30102;

import java.util.Objects;

/**
 * How a MAX30102 is set up for SpO2 mode: the fields of the FIFO Configuration (0x08), SpO2 Configuration (0x0A) and
 * LED Pulse Amplitude (0x0C, 0x0D) registers, validated against what the datasheet allows.
 *
 * @param sampleRate       SPO2_SR, ADC conversions per second (datasheet Table 6)
 * @param pulseWidth       LED_PW, which also fixes the ADC resolution (datasheet Table 7)
 * @param adcRange         SPO2_ADC_RGE, the ADC full scale (datasheet Table 5)
 * @param averaging        SMP_AVE, conversions averaged into one FIFO sample (datasheet, "FIFO Configuration")
 * @param rollover         FIFO_ROLLOVER_EN: when the FIFO is full, overwrite the oldest samples instead of dropping
 *                         new ones
 * @param almostFull       FIFO_A_FULL, 0..15: the A_FULL interrupt fires when this many free slots are left
 * @param redCurrentCode   LED1_PA for the red LED, 0x00..0xFF in steps of 0.2 mA (0x24 = 7.2 mA; datasheet Table 8)
 * @param irCurrentCode    LED2_PA for the IR LED, 0x00..0xFF in steps of 0.2 mA
 */
public record Max30102Config(SampleRate sampleRate, PulseWidth pulseWidth, AdcRange adcRange,
        SampleAveraging averaging, boolean rollover, int almostFull, int redCurrentCode, int irCurrentCode) {

    /**
     * 400 conversions/s averaged by 4 (100 samples/s out), 411 µs pulses (18 bits), 4096 nA full scale, 7.2 mA on
     * both LEDs, no rollover: enough headroom for a finger, and the FIFO lasts 320 ms between reads.
     */
    public static final Max30102Config DEFAULT = new Max30102Config(SampleRate.SPS_400, PulseWidth.US_411,
            AdcRange.NA_4096, SampleAveraging.AVERAGE_4, false, 0, 0x24, 0x24);

    /** SPO2_SR[2:0] (datasheet Table 6). */
    public enum SampleRate {
        SPS_50(50), SPS_100(100), SPS_200(200), SPS_400(400), SPS_800(800), SPS_1000(1000), SPS_1600(1600),
        SPS_3200(3200);

        private final int perSecond;

        SampleRate(int perSecond) {
            this.perSecond = perSecond;
        }

        public int perSecond() {
            return perSecond;
        }

        /** The register code of this rate. */
        public int code() {
            return ordinal();
        }
    }

    /** LED_PW[1:0] and the ADC resolution it implies (datasheet Table 7). */
    public enum PulseWidth {
        US_69(69, 15), US_118(118, 16), US_215(215, 17), US_411(411, 18);

        private final int micros;
        private final int bits;

        PulseWidth(int micros, int bits) {
            this.micros = micros;
            this.bits = bits;
        }

        public int micros() {
            return micros;
        }

        /** ADC resolution in bits; FIFO data is left-justified, so the lowest {@code 18 - bits} bits are zero. */
        public int resolutionBits() {
            return bits;
        }

        public int code() {
            return ordinal();
        }
    }

    /** SPO2_ADC_RGE[1:0], the full scale of the 18-bit ADC (datasheet Table 5). */
    public enum AdcRange {
        NA_2048(2048), NA_4096(4096), NA_8192(8192), NA_16384(16384);

        private final int nanoamps;

        AdcRange(int nanoamps) {
            this.nanoamps = nanoamps;
        }

        public int fullScaleNanoamps() {
            return nanoamps;
        }

        public int code() {
            return ordinal();
        }
    }

    /** SMP_AVE[2:0]: codes 0..5 average 1..32 conversions (codes 6 and 7 also mean 32 and are not used here). */
    public enum SampleAveraging {
        AVERAGE_1(1), AVERAGE_2(2), AVERAGE_4(4), AVERAGE_8(8), AVERAGE_16(16), AVERAGE_32(32);

        private final int conversions;

        SampleAveraging(int conversions) {
            this.conversions = conversions;
        }

        public int conversions() {
            return conversions;
        }

        public int code() {
            return ordinal();
        }
    }

    /**
     * Highest pulse width allowed at each sample rate in SpO2 mode (datasheet Table 11, "SpO2 Mode (Allowed
     * Settings)"): a pulse plus its ambient measurement must fit in a sample period. {@code null}: none allowed.
     * The table was not at hand when this was written; the limits follow the rule that the widest pulse must fit,
     * and should be compared with the printed table before relying on the 800-3200/s rows.
     */
    private static PulseWidth widestPulseAt(SampleRate rate) {
        return switch (rate) {
            case SPS_50, SPS_100, SPS_200, SPS_400 -> PulseWidth.US_411;
            case SPS_800 -> PulseWidth.US_215;
            case SPS_1000 -> PulseWidth.US_118;
            case SPS_1600 -> PulseWidth.US_69;
            case SPS_3200 -> null;
        };
    }

    public Max30102Config {
        Objects.requireNonNull(sampleRate, "sampleRate");
        Objects.requireNonNull(pulseWidth, "pulseWidth");
        Objects.requireNonNull(adcRange, "adcRange");
        Objects.requireNonNull(averaging, "averaging");
        PulseWidth widest = widestPulseAt(sampleRate);
        if (widest == null || pulseWidth.compareTo(widest) > 0) {
            throw new IllegalArgumentException("MAX30102 SpO2 mode cannot sample at " + sampleRate.perSecond()
                    + "/s with " + pulseWidth.micros() + " µs pulses (datasheet Table 11); widest allowed: "
                    + (widest == null ? "none" : widest.micros() + " µs"));
        }
        if (almostFull < 0 || almostFull > 15) {
            throw new IllegalArgumentException("FIFO_A_FULL must be 0..15, was " + almostFull);
        }
        checkCurrent("redCurrentCode", redCurrentCode);
        checkCurrent("irCurrentCode", irCurrentCode);
    }

    /** FIFO samples per second: conversions per second over the conversions averaged into each. */
    public double outputRateHz() {
        return (double) sampleRate.perSecond() / averaging.conversions();
    }

    /** The FIFO Configuration register (0x08): SMP_AVE[7:5], FIFO_ROLLOVER_EN[4], FIFO_A_FULL[3:0]. */
    public int fifoConfiguration() {
        return averaging.code() << 5 | (rollover ? 1 << 4 : 0) | almostFull;
    }

    /** The SpO2 Configuration register (0x0A): SPO2_ADC_RGE[6:5], SPO2_SR[4:2], LED_PW[1:0]. */
    public int spo2Configuration() {
        return adcRange.code() << 5 | sampleRate.code() << 2 | pulseWidth.code();
    }

    /** LED current in mA for an LEDx_PA code: 0.2 mA per step (datasheet Table 8). */
    public static double milliamps(int currentCode) {
        return currentCode * 0.2;
    }

    private static void checkCurrent(String name, int code) {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException(name + " must be an LEDx_PA code 0x00..0xFF (0.2 mA steps), was "
                    + code);
        }
    }
}

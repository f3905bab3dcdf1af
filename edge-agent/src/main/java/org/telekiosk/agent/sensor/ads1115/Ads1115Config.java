package org.telekiosk.agent.sensor.ads1115;

import java.util.Objects;

/**
 * The ADS1115's Config register (datasheet §9.6.3, Table 8) for continuous conversion with the comparator disabled:
 * {@code OS[15]=0, MUX[14:12], PGA[11:9], MODE[8]=0, DR[7:5], COMP_MODE[4]=0, COMP_POL[3]=0, COMP_LAT[2]=0,
 * COMP_QUE[1:0]=11}.
 *
 * @param input    MUX: which input pair is converted
 * @param range    PGA: the full-scale range
 * @param dataRate DR: conversions per second
 */
public record Ads1115Config(Input input, Range range, DataRate dataRate) {

    /** AIN0 against GND, ±4.096 V (fits a 3.3 V front end), 250 samples/s: an AD8232 ECG output. */
    public static final Ads1115Config ECG = new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, DataRate.SPS_250);

    /** The Config register's value at power-up (datasheet §9.6.3): single-shot, AIN0-AIN1, ±2.048 V, 128 SPS. */
    public static final int RESET_VALUE = 0x8583;

    /** MUX[2:0] (datasheet Table 8). */
    public enum Input {
        AIN0_AIN1(false), AIN0_AIN3(false), AIN1_AIN3(false), AIN2_AIN3(false),
        AIN0_GND(true), AIN1_GND(true), AIN2_GND(true), AIN3_GND(true);

        private final boolean singleEnded;

        Input(boolean singleEnded) {
            this.singleEnded = singleEnded;
        }

        /** Whether this input is measured against GND (datasheet §9.3.1: then only codes 0..7FFFh arise). */
        public boolean singleEnded() {
            return singleEnded;
        }

        public int code() {
            return ordinal();
        }
    }

    /** PGA[2:0] and its full-scale range (datasheet §9.3.3, Table 3); codes 101-111 all mean ±0.256 V. */
    public enum Range {
        FSR_6_144(6144), FSR_4_096(4096), FSR_2_048(2048), FSR_1_024(1024), FSR_0_512(512), FSR_0_256(256);

        private final int millivolts;

        Range(int millivolts) {
            this.millivolts = millivolts;
        }

        /** The full scale: codes span -FS..+FS × 32767/32768. */
        public int fullScaleMillivolts() {
            return millivolts;
        }

        /** One LSB in mV: FS / 2^15, a power of two times the FS, so exact in a double (e.g. 0.125 mV at ±4.096 V). */
        public double lsbMillivolts() {
            return millivolts / 32768.0;
        }

        public int code() {
            return ordinal();
        }
    }

    /** DR[2:0] (datasheet Table 8). */
    public enum DataRate {
        SPS_8(8), SPS_16(16), SPS_32(32), SPS_64(64), SPS_128(128), SPS_250(250), SPS_475(475), SPS_860(860);

        private final int perSecond;

        DataRate(int perSecond) {
            this.perSecond = perSecond;
        }

        public int perSecond() {
            return perSecond;
        }

        public int code() {
            return ordinal();
        }
    }

    public Ads1115Config {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(dataRate, "dataRate");
    }

    /** The Config register word this configuration writes. */
    public int configWord() {
        int compQueDisabled = 0b11;
        return input.code() << 12 | range.code() << 9 | dataRate.code() << 5 | compQueDisabled;
    }

    /** A conversion result in mV: the two's-complement code times the LSB (datasheet §9.3.3); exact. */
    public double toMillivolts(short code) {
        return code * range.lsbMillivolts();
    }
}

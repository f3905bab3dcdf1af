package org.telekiosk.agent.sensor.ecg;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.ads1115.Ads1115;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config;

/**
 * A single-lead ECG as the sampler uses it: an AD8232 whose OUT an ADS1115 converts continuously, and whose LO+ / LO-
 * a {@link LeadOffDetector} reads. {@link #poll()}, called once per conversion period, returns one sample in mV at the
 * electrodes and keeps a sliding window for {@link #heartRate()}.
 *
 * <p>Faults give exceptions, never samples: an electrode off ({@link Kind#DEVICE_ERROR}, which electrode), an output
 * at a rail, i.e. a saturated front end ({@link Kind#OUT_OF_RANGE}), or the driver's bus errors. Each empties the
 * window, so no R-R interval spans a gap. After a bus error or a railed output the ADC is configured again on the next
 * poll (a chip that lost power is back in single-shot mode and would repeat its last conversion); that poll returns no
 * sample, because the first conversion ends one period later.
 *
 * <p>Not thread-safe: one sampler thread polls it.
 */
public final class EcgMonitor {

    private final Ads1115 adc;
    private final Ads1115Config config;
    private final LeadOffDetector leads;
    private final Ad8232FrontEnd frontEnd;
    private final PanTompkins detector;
    /** A ring: the newest sample at {@code (start + size - 1) % length}. */
    private final double[] window;
    private int start;
    private int size;
    private boolean configured;

    /** @param window how much ECG {@link #heartRate()} looks at; 4..60 s */
    public EcgMonitor(Ads1115 adc, Ads1115Config config, LeadOffDetector leads, Ad8232FrontEnd frontEnd,
            Duration window) {
        this.adc = Objects.requireNonNull(adc, "adc");
        this.config = Objects.requireNonNull(config, "config");
        this.leads = Objects.requireNonNull(leads, "leads");
        this.frontEnd = Objects.requireNonNull(frontEnd, "frontEnd");
        int rate = config.dataRate().perSecond();
        if (rate < 250) {
            throw new IllegalArgumentException("an ECG needs 250 samples/s or more (DR 250, 475 or 860), was " + rate);
        }
        if (window.toSeconds() < 4 || window.toSeconds() > 60) {
            throw new IllegalArgumentException("ECG window must be 4..60 s, was " + window);
        }
        this.detector = new PanTompkins(rate);
        this.window = new double[(int) (window.toMillis() * rate / 1000)];
    }

    /** Samples per second, the rate at which to call {@link #poll()}. */
    public int sampleRateHz() {
        return config.dataRate().perSecond();
    }

    /**
     * One ECG sample in mV at the electrodes, or empty if this poll (re)configured the ADC.
     *
     * @throws SensorException if an electrode is off, the front end is saturated, or the ADC fails
     */
    public OptionalDouble poll() throws SensorException {
        try {
            if (!configured) {
                clearWindow();
                adc.configure(config);
                configured = true;
                return OptionalDouble.empty();
            }
            LeadStatus status = leads.status();
            if (!status.attached()) {
                throw new SensorException(Kind.DEVICE_ERROR, "ECG electrode off: the AD8232 signals lead-off at "
                        + status.describe());
            }
            double output = adc.readMillivolts();
            if (frontEnd.atRail(output)) {
                configured = false;
                throw new SensorException(Kind.OUT_OF_RANGE, String.format(Locale.ROOT,
                        "ECG front end saturated: AD8232 output %.1f mV is at a rail of its 0..%.0f mV supply", output,
                        frontEnd.supplyVolts() * 1000));
            }
            double millivolts = frontEnd.electrodeMillivolts(output);
            append(millivolts);
            return OptionalDouble.of(millivolts);
        } catch (SensorException e) {
            clearWindow();
            if (e.kind() == Kind.BUS_ERROR || e.kind() == Kind.NO_ANSWER) {
                configured = false;
            }
            throw e;
        }
    }

    /** Heart rate from the R peaks in the window, or empty while fewer than three are found. */
    public OptionalDouble heartRate() {
        double[] ordered = new double[size];
        int head = Math.min(size, window.length - start);
        System.arraycopy(window, start, ordered, 0, head);
        System.arraycopy(window, 0, ordered, head, size - head);
        return detector.heartRate(ordered);
    }

    private void clearWindow() {
        start = 0;
        size = 0;
    }

    private void append(double millivolts) {
        if (size == window.length) {
            window[start] = millivolts;
            start = (start + 1) % window.length;
        } else {
            window[(start + size++) % window.length] = millivolts;
        }
    }
}

package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which continuous signal a {@link WaveformBatch} carries. */
public enum Signal {
    /** Single-lead ECG (lead I), in millivolts at the electrodes. */
    @JsonProperty("ecg")
    ECG,
    /** Photoplethysmogram from the pulse oximeter's infrared channel, in arbitrary units. */
    @JsonProperty("pleth")
    PLETH
}

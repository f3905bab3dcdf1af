package org.telekiosk.agent.sensor.ecg;

import org.telekiosk.agent.sensor.SensorException;

/**
 * Whether the ECG electrodes are on the patient: the port through which {@link EcgMonitor} reads the AD8232's LO+ and
 * LO- outputs. On a kiosk that is {@link Ad8232LeadOffPins}, two GPIO inputs; a simulated front end answers directly.
 */
@FunctionalInterface
public interface LeadOffDetector {

    /**
     * The current lead-off state.
     *
     * @throws SensorException {@link SensorException.Kind#BUS_ERROR} if the inputs cannot be read
     */
    LeadStatus status() throws SensorException;
}

package org.telekiosk.agent.sensor;

import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * A sensor that yields one number per reading (temperature, weight, ...), as the sampler sees it. Implementations
 * wrap a driver; {@link #read()} may block on the bus and is never called on an I/O event loop.
 */
public interface ScalarSensor {
    /** Which sensor this is, as it appears in measurements. */
    SensorId id();

    /** What a reading measures. */
    LoincCode loinc();

    /** The unit of {@link #read()}'s value. */
    UcumUnit unit();

    /** Takes one reading, or says precisely why it could not. */
    double read() throws SensorException;
}

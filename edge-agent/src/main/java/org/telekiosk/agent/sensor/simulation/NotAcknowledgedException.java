package org.telekiosk.agent.sensor.simulation;

/**
 * A simulated chip left SDA high where it should have acknowledged: nobody answered the address, or the chip refused
 * a byte. The I2C provider reports it to the driver as Linux reports a NACK, an I/O error "Remote I/O error (121)".
 */
public final class NotAcknowledgedException extends Exception {

    /** @param what which part of the transfer went unacknowledged, e.g. "address 0x5A" */
    public NotAcknowledgedException(String what) {
        super(what + " not acknowledged");
    }
}

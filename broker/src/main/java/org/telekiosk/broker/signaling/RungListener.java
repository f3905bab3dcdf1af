package org.telekiosk.broker.signaling;

/**
 * Told of every rung change the broker relays ({@code quality} on the signaling socket), e.g. for the consultation
 * record. Called on a {@code signal-*} virtual thread with the consultation's room monitor held, in the order the
 * changes were relayed: it must not block (queue the work) and must not call back into signaling. An exception it
 * throws is logged and does not stop the relay.
 */
@FunctionalInterface
public interface RungListener {
    void rungChanged(RungChange change);
}

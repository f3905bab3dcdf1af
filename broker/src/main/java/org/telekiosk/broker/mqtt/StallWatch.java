package org.telekiosk.broker.mqtt;

/**
 * Tells when the MQTT broker takes publishes from kiosks but delivers none to the broker's subscriber: fed at a fixed
 * interval with the MQTT broker's count of incoming publishes and the subscriber's count of arrivals, it reports a
 * stall when, for {@code checks} checks in a row while subscribed, the first grew and the second did not. Used against
 * HiveMQ CE's stall of a shared QoS 1 subscription (see {@link BrokerMqttClient#watchForStalls}). One thread.
 */
final class StallWatch {
    private final int checks;
    private long lastPublishes = -1;
    private long lastArrivals;
    private int stalledChecks;

    /** @param checks how many stalled checks in a row make a stall (at least 1) */
    StallWatch(int checks) {
        if (checks < 1) {
            throw new IllegalArgumentException("checks must be at least 1, was " + checks);
        }
        this.checks = checks;
    }

    /**
     * One check.
     *
     * @return the publishes taken since the previous check if this check completes a stall (the count starts over),
     *         else 0
     */
    long check(boolean subscribed, long publishes, long arrivals) {
        boolean stalled = subscribed && lastPublishes >= 0 && publishes > lastPublishes && arrivals == lastArrivals;
        long taken = lastPublishes < 0 ? 0 : publishes - lastPublishes;
        stalledChecks = stalled ? stalledChecks + 1 : 0;
        lastPublishes = publishes;
        lastArrivals = arrivals;
        if (stalledChecks >= checks) {
            stalledChecks = 0;
            return taken;
        }
        return 0;
    }
}

package org.telekiosk.broker.mqtt;

/**
 * Tells when the MQTT broker routes kiosks' publishes to the broker's shared subscription but delivers none of them
 * to this node's intake connections: fed at a fixed interval with the MQTT broker's count of publishes routed to the
 * subscription, the arrivals on all of the node's intake connections together, and the messages those connections
 * hold unacknowledged, it reports a stall when, for {@code checks} checks in a row while subscribed, the first grew,
 * the second did not, and nothing was held. Used against HiveMQ CE's stall of a shared QoS 1 subscription (see
 * {@link BrokerMqttClient#watchForStalls}). One thread.
 *
 * <p>Why these three figures, and why for the whole group:
 *
 * <ul>
 *   <li><b>Routed, not received, publishes.</b> HiveMQ's own count of incoming publishes also counts publishes it
 *       refused (a kiosk over its quota, answered 0x97 by {@link KioskQuotaInterceptor}, or not authorized, 0x87)
 *       and the broker's own store acknowledgements, none of which reach the subscription: a flooding kiosk made
 *       the watch restart healthy connections every 10-15 s ("took 132254 publishes ... delivered none").</li>
 *   <li><b>The group's arrivals, not one connection's.</b> With {@code mqtt.intake-connections} N &gt; 1, HiveMQ
 *       hands the shared group's messages to whichever member it picks; one connection getting nothing for a while
 *       while another gets everything is normal (seen: 1,500 of 1,500 to one connection at low load) and loses
 *       nothing. What must not happen is that the group gets nothing: then every connection, each watching the
 *       group, reconnects. A single connection stalled inside a group that still delivers costs that connection's
 *       share of the throughput, not readings (the others take the queue), and is not detectable from these
 *       counts without false positives; it shows in {@code /healthz}'s acknowledgements per connection.</li>
 *   <li><b>Nothing held.</b> While messages wait for the store's commit (unacknowledged), HiveMQ holds back further
 *       deliveries by design (receive maximum, and its own limit per shared subscriber): a slow store is not a
 *       stall of HiveMQ's, and a reconnect would only send everything held again.</li>
 * </ul>
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
     * @param subscribed whether this connection holds its subscription now
     * @param routed     publishes the MQTT broker routed to the shared subscription since start
     * @param arrivals   messages arrived on all of the node's intake connections since start
     * @param held       messages the node's intake connections hold unacknowledged now
     * @return the publishes routed since the previous check if this check completes a stall (the count starts
     *         over), else 0
     */
    long check(boolean subscribed, long routed, long arrivals, int held) {
        boolean stalled = subscribed && lastPublishes >= 0 && routed > lastPublishes && arrivals == lastArrivals
                && held == 0;
        long taken = lastPublishes < 0 ? 0 : routed - lastPublishes;
        stalledChecks = stalled ? stalledChecks + 1 : 0;
        lastPublishes = routed;
        lastArrivals = arrivals;
        if (stalledChecks >= checks) {
            stalledChecks = 0;
            return taken;
        }
        return 0;
    }
}

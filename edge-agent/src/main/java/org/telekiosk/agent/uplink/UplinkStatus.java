package org.telekiosk.agent.uplink;

/**
 * A snapshot of {@link PahoUplink} for the agent's status command and for tests.
 *
 * @param state           what the uplink is doing now
 * @param connectAttempts connect attempts since start
 * @param connections     successful connects since start
 * @param sessionPresent  whether the broker still had the kiosk's session at the last connect (CONNACK Session
 *                        Present, MQTT 5 §3.2.2.1.1)
 * @param inFlight        unacknowledged publishes now
 * @param window          the in-flight window of the current connection (0 when not connected)
 * @param lastProblem     the last failure, one line, empty after a successful connect
 */
public record UplinkStatus(
        PahoUplink.State state,
        long connectAttempts,
        long connections,
        boolean sessionPresent,
        int inFlight,
        int window,
        String lastProblem) {
}

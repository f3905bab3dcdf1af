package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The embedded HiveMQ's failed TLS connections are counted from its event log lines, by reason, for this broker's
 * port only: the three wordings HiveMQ 2025.5 uses (its {@code SslExceptionHandler} and {@code
 * NoTlsHandshakeIdleHandler}), given to the filter as HiveMQ's disconnector logs them.
 */
class MqttTlsRefusalsTest {
    private static final int PORT = 18883;

    @Test
    void eachOfHiveMqsReasonsIsCountedUnderItsOwnCodeAndOtherPortsAreNot() {
        MqttTlsRefusals refusals = MqttTlsRefusals.install(PORT);
        try {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            ch.qos.logback.classic.Logger events = context.getLogger(MqttTlsRefusals.EVENT_LOGGER);
            String listener = " for TCP Listener with TLS on port: ";
            for (String reason : new String[] {"SSL handshake failed" + listener + PORT,
                "SSL message transmission failed" + listener + PORT, "TLS handshake not finished in time" + listener
                        + PORT, "TLS handshake not finished in time" + listener + (PORT + 1), "No CONNECT sent in time"}) {
                refusals.decide(null, events, Level.DEBUG, "Client ID: {}, IP: {} was disconnected. reason: {}.",
                        new Object[] {"UNKNOWN", "127.0.0.1", reason}, null);
            }
            assertEquals(1, refusals.count(MqttTlsRefusals.Reason.HANDSHAKE));
            assertEquals(1, refusals.count(MqttTlsRefusals.Reason.NOT_TLS));
            assertEquals(1, refusals.count(MqttTlsRefusals.Reason.TIMEOUT), "the idle timer's, this port only");
        } finally {
            refusals.uninstall();
        }
    }
}

package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * A broker's stop closes its intake (the in-process intake and the intake connections of the shared subscription)
 * before what the intake hands messages to: the commands, kiosk trust (presence and the kiosks' Wills) and the store.
 * At the stop after a 10,000-kiosk run the intake was still taking the kiosks' Wills after kiosk trust had closed:
 * each was logged as an error ("not stored and is not acknowledged") and made its connection reconnect, again and
 * again until the intake closed (issue 16). The order is read from the lifecycle's log of each part it stops.
 */
class IntakeStopOrderTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void theIntakeStopsBeforeTheCommandsKioskTrustAndTheStoreAndNothingFailsOrReconnectsAtTheStop() throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("stop-order-01"));
        MqttClient connected = kiosk.connect(BROKER);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger lifecycle = (Logger) LoggerFactory.getLogger(Lifecycle.class);
        Level before = lifecycle.getLevel();
        lifecycle.setLevel(Level.DEBUG);
        root.addAppender(log);
        try {
            BROKER.broker().close(); // with the kiosk connected: HiveMQ's stop ends its connection (its Will)
        } finally {
            root.detachAppender(log);
            lifecycle.setLevel(before);
            connected.close(true); // the broker ended its connection
        }
        List<String> stopped = log.list.stream().filter(e -> e.getLoggerName().equals(Lifecycle.class.getName()))
                .filter(e -> e.getFormattedMessage().startsWith("Stopping "))
                .map(e -> e.getFormattedMessage().substring("Stopping ".length())).toList();
        int intake = stopped.indexOf("IntakeStop");
        assertTrue(intake >= 0, "the intake is a part of its own: " + stopped);
        for (String after : List.of("Commands", "KioskTrust", "Telemetry", "EmbeddedMqttBroker", "Storage")) {
            assertTrue(stopped.indexOf(after) > intake, after + " stops after the intake: " + stopped);
        }
        assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .filter(e -> e.getLoggerName().startsWith("org.telekiosk"))
                .map(ILoggingEvent::getFormattedMessage).toList(), "errors at the stop");
        assertEquals(List.of(), log.list.stream().filter(e -> e.getLoggerName().startsWith("org.telekiosk.broker.mqtt"))
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("retrying")).toList(),
                "reconnect attempts at the stop");
    }
}

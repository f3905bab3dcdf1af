package org.telekiosk.hardware.system;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.protocol.KioskId;

/**
 * The broker's refusals of one kiosk's MQTT messages, as the intake logs them (its first refusal per code and minute
 * is always logged, with the code and topic; while watched, every refusal also at DEBUG with its detail). For tests on the shared broker, whose broker-wide counts another
 * class's traffic changes: they ask about their own kiosk, and a failure names what was refused.
 */
final class RefusalWatch implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(MeasurementIntake.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final String marker;
    private final Level level;

    RefusalWatch(KioskId kiosk) {
        this.marker = "from kiosk " + kiosk.value() + " ";
        this.level = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        // every refusal with its detail (why it was refused), not only the first per code and minute
        logger.setLevel(Level.DEBUG);
    }

    /** The refusal lines about the kiosk so far. */
    List<String> refusals() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(marker))
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.setLevel(level);
        logger.detachAppender(appender);
        appender.stop();
    }
}

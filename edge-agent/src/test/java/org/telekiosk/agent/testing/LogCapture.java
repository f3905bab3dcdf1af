package org.telekiosk.agent.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Everything logged while it is open (DEBUG and up, see logback-test.xml), messages and stack traces included. */
public final class LogCapture implements AutoCloseable {
    private final Logger root;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Every event as one text: level, logger, formatted message, stack trace. */
    public String text() {
        // ListAppender appends under the appender's own monitor (AppenderBase.doAppend is synchronized), not the
        // list's: copy under that monitor (reading under the list's threw ConcurrentModificationException in CI).
        java.util.List<ILoggingEvent> events;
        synchronized (appender) {
            events = java.util.List.copyOf(appender.list);
        }
        return events.stream()
                .map(event -> event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? ""
                                : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}

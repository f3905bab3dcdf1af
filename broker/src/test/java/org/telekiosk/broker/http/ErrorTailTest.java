package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An idle connection closed by its read timeout is routine: not a warning, not an "unexpected error". */
class ErrorTailTest {
    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(ErrorTail.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(ErrorTail.class)).detachAppender(log);
    }

    @Test
    void anIdleConnectionsReadTimeoutClosesItWithoutAWarning() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorTail());
        // What ReadTimeoutHandler fires when no byte came within its timeout.
        channel.pipeline().fireExceptionCaught(ReadTimeoutException.INSTANCE);
        assertFalse(channel.isOpen());
        List<ILoggingEvent> loud = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
        assertEquals(List.of(), loud);
        assertFalse(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("unexpected")));
    }
}

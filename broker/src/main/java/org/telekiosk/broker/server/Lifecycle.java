package org.telekiosk.broker.server;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The parts started so far, in order; closed in reverse, each once, a failing close logged and passed over. */
final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Records {@code part} as started and returns it. */
    synchronized <T extends AutoCloseable> T add(T part) {
        started.add(part);
        return part;
    }

    /** Closes every part in reverse order, adding what fails to {@code failure}. */
    synchronized void closeAfter(Exception failure) {
        for (AutoCloseable part : started.reversed()) {
            try {
                part.close();
            } catch (Exception closing) {
                failure.addSuppressed(closing);
            }
        }
        started.clear();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable part : started.reversed()) {
            LOG.debug("Stopping {}", part.getClass().getSimpleName());
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
    }
}

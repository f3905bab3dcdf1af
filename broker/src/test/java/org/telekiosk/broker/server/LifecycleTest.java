package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The composition root closes what it started in reverse order, each part once, past a part that fails to close. */
class LifecycleTest {
    final List<String> closed = new ArrayList<>();

    AutoCloseable part(String name) {
        return () -> closed.add(name);
    }

    @Test
    void partsCloseInReverseOrderOnce() {
        Lifecycle parts = new Lifecycle();
        parts.add(part("storage"));
        parts.add(part("mqtt"));
        parts.add(part("https"));
        parts.close();
        parts.close();
        assertEquals(List.of("https", "mqtt", "storage"), closed);
    }

    @Test
    void aPartThatFailsToCloseDoesNotKeepTheOthersOpen() {
        Lifecycle parts = new Lifecycle();
        parts.add(part("storage"));
        parts.add(() -> {
            throw new IllegalStateException("stuck");
        });
        parts.add(part("https"));
        parts.close();
        assertEquals(List.of("https", "storage"), closed);
    }

    @Test
    void aFailedStartClosesWhatStartedAndKeepsTheCloseFailuresWithTheCause() {
        Lifecycle parts = new Lifecycle();
        parts.add(part("storage"));
        parts.add(() -> {
            throw new IllegalStateException("stuck");
        });
        Exception cause = new java.io.IOException("the MQTT port is taken");
        parts.closeAfter(cause);
        assertEquals(List.of("storage"), closed);
        assertEquals(1, cause.getSuppressed().length);
        assertEquals("stuck", cause.getSuppressed()[0].getMessage());
    }
}

package org.telekiosk.agent.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.uplink.InflightWindow.Admission;

class InflightWindowTest {
    @Test
    void admitsUpToItsCapacityAndThenSaysFull() {
        InflightWindow window = new InflightWindow(2);

        assertEquals(Admission.ADMITTED, window.tryAdmit(new CompletableFuture<>()));
        assertEquals(Admission.ADMITTED, window.tryAdmit(new CompletableFuture<>()));
        assertEquals(Admission.FULL, window.tryAdmit(new CompletableFuture<>()));
        assertEquals(2, window.inFlight());
    }

    @Test
    void anAcknowledgementFreesItsSlotOnce() {
        InflightWindow window = new InflightWindow(1);
        CompletableFuture<Void> first = new CompletableFuture<>();
        window.tryAdmit(first);

        assertTrue(window.release(first));
        assertFalse(window.release(first));
        assertEquals(Admission.ADMITTED, window.tryAdmit(new CompletableFuture<>()));
    }

    @Test
    void closingHandsBackEveryPendingPublishAndAdmitsNoMore() {
        InflightWindow window = new InflightWindow(3);
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        window.tryAdmit(a);
        window.tryAdmit(b);

        List<CompletableFuture<?>> pending = window.close();

        assertEquals(2, pending.size());
        assertTrue(pending.contains(a) && pending.contains(b));
        assertEquals(Admission.CLOSED, window.tryAdmit(new CompletableFuture<>()));
        assertFalse(window.release(a), "a late acknowledgement finds nothing to free");
        assertEquals(0, window.inFlight());
    }
}

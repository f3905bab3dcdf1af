package org.telekiosk.broker.signaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.protocol.signaling.SignalEvent;

/** A peer that records what the service sends it. */
public final class FakePeer implements Peer {
    private static int next;

    private final String id = "peer-" + (++next);
    private final ClientAddress address;
    private final Optional<OpaqueToken> cookie;
    private final List<SignalEvent> events = new ArrayList<>();
    private int closeCode;

    public FakePeer(ClientAddress address, Optional<OpaqueToken> cookie) {
        this.address = address;
        this.cookie = cookie;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ClientAddress address() {
        return address;
    }

    @Override
    public Optional<OpaqueToken> cookieSession() {
        return cookie;
    }

    @Override
    public synchronized void send(SignalEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
        }
    }

    public synchronized List<SignalEvent> events() {
        return List.copyOf(events);
    }

    /** The events of {@code type} received so far. */
    public synchronized <T extends SignalEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends SignalEvent> T last(Class<T> type) {
        List<T> all = all(type);
        if (all.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " in " + events());
        }
        return all.getLast();
    }

    public synchronized void clear() {
        events.clear();
    }

    /** 0 while open. */
    public synchronized int closeCode() {
        return closeCode;
    }
}

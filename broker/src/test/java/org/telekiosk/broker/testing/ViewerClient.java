package org.telekiosk.broker.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.protocol.KioskId;

/** A browser stand-in on the viewer WebSocket (JDK HTTP client): collects text messages and the close code. */
public final class ViewerClient implements AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    private final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();

    private ViewerClient(URI uri, SSLContext tls, String origin) {
        this(uri, tls, origin, null);
    }

    private ViewerClient(URI uri, SSLContext tls, String origin, String cookie) {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    /**
     * A socket to any address (a load balancer in front of broker processes, for instance), trusting {@code tls}, with
     * {@code origin} and {@code cookie} (either may be null) on the handshake.
     */
    public static ViewerClient at(URI uri, SSLContext tls, String origin, String cookie) {
        return new ViewerClient(uri, tls, origin, cookie);
    }

    /** Connects; throws (a CompletionException with the handshake failure) if the broker refuses. */
    public static ViewerClient connect(BrokerExtension broker) {
        return new ViewerClient(broker.viewerSocket(), broker.tls(), broker.origin());
    }

    /** Connects to the signaling WebSocket ({@code /ws/signal}) from the broker's own origin; same client otherwise. */
    public static ViewerClient signaling(BrokerExtension broker) {
        return new ViewerClient(broker.signalSocket(), broker.tls(), broker.origin());
    }

    /** As {@link #signaling(BrokerExtension)} for a broker a test started itself (one it kills, for instance). */
    public static ViewerClient signaling(org.telekiosk.broker.server.Broker broker) {
        return on(broker, "/ws/signal");
    }

    /** A socket to {@code path} of a broker a test started itself, from the broker's own origin. */
    private static ViewerClient on(org.telekiosk.broker.server.Broker broker, String path) {
        try {
            return new ViewerClient(java.net.URI.create("wss://localhost:" + broker.httpsPort() + path),
                    TrustStores.trusting(broker.pki().caCertificate()), "https://localhost:" + broker.httpsPort());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #connect(BrokerExtension)} for a broker a test started itself (a second node, for instance). */
    public static ViewerClient connect(org.telekiosk.broker.server.Broker broker) {
        return on(broker, "/ws/viewer");
    }

    public static ViewerClient connect(BrokerExtension broker, String origin) {
        return new ViewerClient(broker.viewerSocket(), broker.tls(), origin);
    }

    /** Connects with a {@code Cookie} header on the handshake (such as {@code tk_session=...}). */
    public static ViewerClient connectWithCookie(BrokerExtension broker, String cookie) {
        return new ViewerClient(broker.viewerSocket(), broker.tls(), broker.origin(), cookie);
    }

    /**
     * Connects as the doctor of {@code consultation} with the login session {@code session}, and waits for the
     * broker's welcome (which means the hello was accepted and the viewer is routed).
     */
    public static ViewerClient connectAsDoctor(BrokerExtension broker,
            OpaqueToken session,
            ConsultationId consultation) throws InterruptedException {
        ViewerClient client = connect(broker);
        client.send(VitalsFixture.hello(session, consultation));
        client.nextOfType("welcome", Duration.ofSeconds(30));
        return client;
    }

    private static final java.util.concurrent.atomic.AtomicInteger DOCTORS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Connects as a new doctor whose new room consultation has the patient at {@code kiosk} in the call (called in
     * and admitted through the broker's services), once the broker has welcomed the socket.
     */
    public static ViewerClient doctorWatching(BrokerExtension broker, KioskId kiosk)
            throws InterruptedException {
        var access = broker.broker().access();
        var doctor = VitalsFixture.account(access, "dr-" + DOCTORS.incrementAndGet() + "-" + kiosk.value(),
                Role.DOCTOR);
        var room = VitalsFixture.inCall(access, doctor, kiosk);
        return connectAsDoctor(broker, VitalsFixture.login(access, doctor), room.id());
    }

    /** How many text messages arrived so far, taken or not. */
    public int receivedCount() {
        return received.get();
    }

    /** The next text message, waiting at most {@code timeout}; fails the test if none arrives. */
    public String next(Duration timeout) throws InterruptedException {
        String message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + timeout);
        }
        seen.add(message);
        return message;
    }

    /** The next message whose type is {@code type}, skipping others. */
    public String nextOfType(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String message = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (message.startsWith("{\"type\":\"" + type + "\"")) {
                return message;
            }
        }
    }

    /** The next reading of {@code kiosk}, skipping everything else (such as other kiosks' latest readings). */
    public String nextReadingFrom(String kiosk, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String reading = nextOfType("reading", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (reading.contains("\"kiosk\":\"" + kiosk + "\"")) {
                return reading;
            }
        }
    }

    /** Every message taken from this client so far, in order. */
    public java.util.List<String> seen() {
        return java.util.List.copyOf(seen);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The close code the broker sent. */
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                received.incrementAndGet();
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}

package org.telekiosk.broker.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS 1.3 client over a plain socket, driven step by step with an {@link SSLEngine}, so that a test can stop in the
 * middle of a handshake: it sends its ClientHello, takes the server's whole flight and holds its own last flight
 * (certificate, certificate verify, Finished) back until told ({@link #sendHeldFlight}). The server's handshake is
 * not finished before it has the client's Finished (RFC 8446 §4.4.4). Then application bytes in and out.
 */
final class SteppedTlsClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SSLEngine engine;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** Bytes read from the socket and not unwrapped yet (write mode). */
    private ByteBuffer netIn;

    SteppedTlsClient(SSLContext context, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        engine = context.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /**
     * Sends the ClientHello and reads the server's flight until the client's side of the handshake is done, holding
     * back everything the client would send after its ClientHello. Blocking.
     */
    void handshakeHoldingLastFlight() throws IOException {
        engine.beginHandshake();
        boolean helloSent = false;
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    byte[] record = wrap(new byte[0]);
                    if (helloSent) {
                        held.writeBytes(record);
                    } else {
                        out.write(record);
                        out.flush();
                        helloSent = true;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrap(Long.MAX_VALUE) == null) {
                        throw new SocketException("the server closed the connection during the handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /** Sends what {@link #handshakeHoldingLastFlight} held back: the server's handshake can finish now. */
    void sendHeldFlight() throws IOException {
        out.write(held.toByteArray());
        out.flush();
        held.reset();
    }

    /** Sends {@code bytes} as application data. */
    void send(byte[] bytes) throws IOException {
        out.write(wrap(bytes));
        out.flush();
    }

    /**
     * The next application bytes from the server, waiting at most {@code wait}; {@code null} if the server closed the
     * connection (or reset it) meanwhile.
     *
     * @throws SocketTimeoutException if the connection stayed open and sent no application data for {@code wait}
     */
    byte[] read(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            byte[] bytes;
            try {
                bytes = unwrap(deadline);
            } catch (SocketException reset) {
                return null;
            }
            if (bytes == null || bytes.length > 0) {
                return bytes;
            }
            // A post-handshake message (the server's NewSessionTicket): nothing for the caller yet.
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
        }
    }

    /** Whether the server kept the connection open, sending no application data, for {@code wait}. */
    boolean staysOpenFor(Duration wait) throws IOException {
        try {
            byte[] bytes = read(wait);
            if (bytes != null) {
                throw new IllegalStateException("the server sent " + bytes.length + " unexpected bytes");
            }
            return false;
        } catch (SocketTimeoutException stillOpen) {
            return true;
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private byte[] wrap(byte[] data) throws SSLException {
        ByteBuffer source = ByteBuffer.wrap(data);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        do {
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(source, net);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + result.getStatus());
            }
            records.write(net.array(), 0, net.position());
        } while (source.hasRemaining());
        return records.toByteArray();
    }

    /** Unwraps one record, reading until it is whole: its application bytes (maybe none), or null once closed. */
    private byte[] unwrap(long deadlineNanos) throws IOException {
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (true) {
            netIn.flip();
            SSLEngineResult result = engine.unwrap(netIn, app);
            netIn.compact();
            switch (result.getStatus()) {
                case OK -> {
                    app.flip();
                    byte[] bytes = new byte[app.remaining()];
                    app.get(bytes);
                    return bytes;
                }
                case BUFFER_UNDERFLOW -> {
                    if (!fill(deadlineNanos)) {
                        return null;
                    }
                }
                case BUFFER_OVERFLOW -> app = ByteBuffer.allocate(app.capacity() * 2);
                case CLOSED -> {
                    return null;
                }
            }
        }
    }

    private boolean fill(long deadlineNanos) throws IOException {
        if (!netIn.hasRemaining()) {
            ByteBuffer larger = ByteBuffer.allocate(netIn.capacity() * 2);
            netIn.flip();
            larger.put(netIn);
            netIn = larger;
        }
        if (deadlineNanos != Long.MAX_VALUE) {
            long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            if (deadlineNanos - System.nanoTime() <= 0) {
                throw new SocketTimeoutException("nothing within the wait");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        } else {
            socket.setSoTimeout(30_000);
        }
        int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
        if (n < 0) {
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.telekiosk.hardware.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a kiosk and the MQTT broker whose path a test can cut: while cut, every byte in
 * either direction is swallowed (as a link that drops packets: neither end hears a FIN or RST, each finds out only by
 * its own timeouts), and new connections are accepted but go nowhere. {@link #restore()} forgets the connections of
 * the cut (as a NAT that lost its state would) and forwards new ones again. {@link #connectionsDuringCut()} counts
 * the connections opened while cut: a kiosk that opens one has given up on its silent connection by itself (nothing
 * closed it). Runs on virtual threads.
 */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger acceptedWhileCut = new AtomicInteger();
    private volatile boolean cut;

    CuttableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on nothing gets through. */
    void cut() {
        acceptedWhileCut.set(0);
        cut = true;
    }

    /** Connections accepted since the last {@link #cut()} while the path was cut (each goes nowhere). */
    int connectionsDuringCut() {
        return acceptedWhileCut.get();
    }

    /** Drops the connections of the cut and forwards again. */
    void restore() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
        cut = false;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                if (cut) {
                    acceptedWhileCut.incrementAndGet();
                    Thread.ofVirtual().start(() -> pump(client, null));
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
            }
        }
    }

    /** Copies {@code from} to {@code to} except while cut ({@code to == null}: swallow everything). */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!cut && out != null) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The other side or restore() closed it.
        } finally {
            if (!cut) {
                closeQuietly(from);
                if (to != null) {
                    closeQuietly(to);
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed.set(true);
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}

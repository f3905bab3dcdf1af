package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A TLS server with the broker's certificate that completes the handshake and then never answers CONNECT. */
final class SilentBroker implements AutoCloseable {
    private final SSLServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final Thread acceptor;

    private final boolean hangUp;

    SilentBroker(Path keystore) throws Exception {
        this(keystore, false);
    }

    /** With {@code hangUp}, it closes each connection right after the handshake instead of keeping it silent. */
    SilentBroker(Path keystore, boolean hangUp) throws Exception {
        this.hangUp = hangUp;
        KeyStore keys = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, TestPki.KEYSTORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestPki.KEYSTORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("silent-broker").start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                connections.add(socket);
                Thread.ofVirtual().start(() -> handshake(socket));
            } catch (IOException e) {
                // Closed by the test: the loop ends.
            }
        }
    }

    private void handshake(SSLSocket socket) {
        try {
            socket.startHandshake();
            handshakes.incrementAndGet();
            if (hangUp) {
                socket.close();
            }
        } catch (IOException e) {
            // The client gave up mid-handshake.
        }
    }

    int port() {
        return server.getLocalPort();
    }

    int handshakes() {
        return handshakes.get();
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
        acceptor.join();
    }
}

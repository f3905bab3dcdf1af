package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS sockets of one Paho client, so that closing the client closes every socket it ever opened. Paho 1.2.5
 * can open its socket after it was told to disconnect (a close that races a connect attempt): its receiver then
 * reads from a socket that nobody closes, and keeps a thread for as long as the server keeps the connection. Once
 * {@link #closeAll()} has run, new sockets are refused.
 */
final class TrackingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final List<Socket> sockets = new ArrayList<>();
    private boolean closed;

    TrackingSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** Closes every socket made so far and refuses to make more. */
    void closeAll() {
        List<Socket> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(sockets);
            sockets.clear();
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing is all that is left to do with it; a failure to close changes nothing.
            }
        }
    }

    private Socket track(Socket socket) throws IOException {
        synchronized (this) {
            if (!closed) {
                sockets.add(socket);
                return socket;
            }
        }
        socket.close();
        throw new SocketException("the MQTT client was closed");
    }

    @Override
    public Socket createSocket() throws IOException {
        return track(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return track(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return track(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return track(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return track(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return track(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}

package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Makes TLS sockets after checking the kiosk's identity files for a renewal: a changed identity makes the context
 * forget its cached sessions first, so the new connection's full handshake presents the new certificate instead of
 * resuming a session made with the old one (RFC 8446 §2.2).
 */
final class IdentitySocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final IdentityKeyManager identity;

    IdentitySocketFactory(SSLSocketFactory delegate, IdentityKeyManager identity) {
        this.delegate = delegate;
        this.identity = identity;
    }

    private SSLSocketFactory fresh() {
        identity.chain();
        return delegate;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return fresh().createSocket();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return fresh().createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return fresh().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return fresh().createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return fresh().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return fresh().createSocket(address, port, localAddress, localPort);
    }
}

package org.telekiosk.agent.uplink;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.internal.NetworkModule;

/**
 * One TLS connection for Paho, in place of Paho's own {@code SSLNetworkModule}: TCP connect, then a TLS handshake
 * with SNI and hostname verification (RFC 6125, the "HTTPS" endpoint identification of JSSE), both within the
 * connect timeout.
 *
 * <p>It also closes a race in Paho 1.2.5. Paho's connect thread starts the receiver, then polls every 100 ms until
 * it sees it running, and never gives up (it even swallows interrupts). If the receiver has already stopped when
 * the thread first looks (the server hung up right after the handshake: a rejected client certificate, a load
 * balancer without a backend), the connect thread spins forever, and every retry loses one more thread. Here, reads
 * of application data wait until the first write, that is, until Paho sends CONNECT, which it does only after its
 * receiver, sender and callback have been seen running. An interrupt (Paho stopping the receiver) ends the wait.
 */
final class TlsNetworkModule implements NetworkModule {
    /** Paho's read timeout: its receiver returns from a read at least this often to check whether to stop. */
    private static final int READ_TIMEOUT_MILLIS = 1_000;

    private final SSLSocketFactory factory;
    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    private final CountDownLatch connectSent = new CountDownLatch(1);
    private volatile SSLSocket socket;

    TlsNetworkModule(SSLSocketFactory factory, String host, int port, int connectTimeoutMillis) {
        this.factory = factory;
        this.host = host;
        this.port = port;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public void start() throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket();
        socket = tls;
        tls.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(connectTimeoutMillis);
        tls.startHandshake();
        tls.setSoTimeout(READ_TIMEOUT_MILLIS);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                awaitConnectSent();
                return super.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                awaitConnectSent();
                return super.read(buffer, offset, length);
            }

            @Override
            public int available() throws IOException {
                return connectSent.getCount() == 0 ? super.available() : 0;
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                try {
                    out.write(buffer, offset, length);
                } finally {
                    connectSent.countDown();
                }
            }

            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } finally {
                    connectSent.countDown();
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } finally {
                    connectSent.countDown();
                }
            }
        };
    }

    private void awaitConnectSent() throws InterruptedIOException {
        try {
            connectSent.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped before CONNECT was sent");
        }
    }

    @Override
    public void stop() throws IOException {
        SSLSocket open = socket;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public String getServerURI() {
        return "ssl://" + host + ":" + port;
    }
}

package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.config.ConfigException;
import org.telekiosk.broker.config.TlsProvider;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.TlsPolicy;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.TestKiosk;

/**
 * {@code https.tls-provider}: the HTTPS listener's TLS context ({@link HttpsTls}) handshakes alike on JSSE and on
 * BoringSSL (netty-tcnative): TLS 1.3 for a browser without a certificate, TLS 1.2 only with the policy's ECDHE
 * suites, a kiosk certificate from the kiosks' CA seen by the server and one from another CA refused. Real handshakes
 * over loopback against a bare Netty server with the context; the server tells each handshake's outcome.
 */
class HttpsTlsTest {
    private static final Certificates CERTIFICATES = new Certificates(new SecureRandom());
    private static KeyPair caKeys;
    private static X509Certificate ca;
    private static KeyPair serverKeys;
    private static X509Certificate server;

    private EventLoopGroup group;
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

    @BeforeAll
    static void certificates() {
        Instant now = Instant.now();
        caKeys = CERTIFICATES.newKeyPair();
        ca = CERTIFICATES.selfSignedCa(caKeys, "Test kiosk CA", now, Duration.ofDays(1));
        serverKeys = CERTIFICATES.newKeyPair();
        server = CERTIFICATES.serverCertificate(caKeys.getPrivate(), ca, serverKeys.getPublic(),
                List.of("localhost", "127.0.0.1"), now, Duration.ofDays(1));
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A server with the listener's context on {@code provider}; its port. */
    private int serve(TlsProvider provider) throws Exception {
        SslContext context = HttpsTls.context(serverKeys.getPrivate(), List.of(server, ca), ca, provider);
        group = new NioEventLoopGroup(1);
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent done) {
                                    outcomes.add(done.isSuccess() ? Session.of(ctx.pipeline().get(SslHandler.class))
                                            : done.cause());
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** What the server saw of a completed handshake. */
    private record Session(String protocol, String cipher, Optional<String> peer) {
        static Session of(SslHandler tls) {
            var session = tls.engine().getSession();
            Optional<String> peer;
            try {
                peer = Optional.of(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal()
                        .getName());
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                peer = Optional.empty();
            }
            return new Session(session.getProtocol(), session.getCipherSuite(), peer);
        }
    }

    private static SSLSocket handshake(SSLContext client, int port, String[] protocols, String[] ciphers)
            throws IOException {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        if (protocols != null) {
            socket.setEnabledProtocols(protocols);
        }
        if (ciphers != null) {
            socket.setEnabledCipherSuites(ciphers);
        }
        socket.startHandshake();
        return socket;
    }

    private Object serverOutcome() throws InterruptedException {
        Object outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertTrue(outcome != null, "the server saw the handshake end");
        return outcome;
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aBrowserWithoutCertificateGetsTls13WithOneOfThePolicysSuites(TlsProvider provider) throws Exception {
        int port = serve(provider);
        try (SSLSocket socket = handshake(TrustStores.trusting(ca), port, null, null)) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            Session seen = (Session) serverOutcome();
            assertEquals("TLSv1.3", seen.protocol());
            assertTrue(TlsPolicy.CIPHERS.contains(seen.cipher()), seen.cipher());
            assertEquals(Optional.empty(), seen.peer());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls12IsOfferedOnlyWithThePolicysEcdheAeadSuites(TlsProvider provider) throws Exception {
        int port = serve(provider);
        try (SSLSocket socket = handshake(TrustStores.trusting(ca), port, new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"})) {
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", socket.getSession().getCipherSuite());
            assertEquals("TLSv1.2", ((Session) serverOutcome()).protocol());
        }
        assertThrows(SSLHandshakeException.class, () -> handshake(TrustStores.trusting(ca), port,
                new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}).close());
        assertFalse(serverOutcome() instanceof Session, "a CBC suite is refused");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aKioskCertificateFromTheCaIsSeenAndOneFromAnotherCaIsRefused(TlsProvider provider) throws Exception {
        int port = serve(provider);
        Instant now = Instant.now();
        KeyPair kioskKeys = TestKiosk.p256();
        X509Certificate kiosk = CERTIFICATES.clientCertificate(caKeys.getPrivate(), ca, kioskKeys.getPublic(),
                "wmk-lab-03", now, Duration.ofDays(1));
        try (SSLSocket socket = handshake(presenting(kioskKeys, List.of(kiosk, ca)), port, null, null)) {
            Session seen = (Session) serverOutcome();
            assertTrue(seen.peer().orElseThrow().contains("CN=wmk-lab-03"), seen.peer().toString());
        }
        KeyPair otherCaKeys = CERTIFICATES.newKeyPair();
        X509Certificate otherCa = CERTIFICATES.selfSignedCa(otherCaKeys, "Another CA", now, Duration.ofDays(1));
        X509Certificate stranger = CERTIFICATES.clientCertificate(otherCaKeys.getPrivate(), otherCa,
                kioskKeys.getPublic(), "wmk-lab-03", now, Duration.ofDays(1));
        try (SSLSocket socket = handshake(presenting(kioskKeys, List.of(stranger, otherCa)), port, null, null)) {
            // TLS 1.3: the client's side may finish before the server has checked its certificate
            assertFalse(serverOutcome() instanceof Session, "a certificate from another CA is refused");
        } catch (IOException refusedAlready) {
            assertFalse(serverOutcome() instanceof Session, "a certificate from another CA is refused");
        }
    }

    /**
     * A client that presents {@code chain} whatever CAs the server names (the JDK's own key manager would leave out a
     * certificate whose issuer the server did not name, and the stranger would not be refused but anonymous).
     */
    private static SSLContext presenting(KeyPair keys, List<X509Certificate> chain) throws Exception {
        X509Certificate[] certificates = chain.toArray(X509Certificate[]::new);
        javax.net.ssl.X509ExtendedKeyManager fixed = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"kiosk"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers,
                    java.net.Socket socket) {
                return "kiosk";
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return new String[0];
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers,
                    java.net.Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return certificates;
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return keys.getPrivate();
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {fixed}, new javax.net.ssl.TrustManager[] {trusting(ca)}, null);
        return context;
    }

    private static javax.net.ssl.X509TrustManager trusting(X509Certificate root) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", root);
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
    }

    @Test
    void theProviderIsAutoByDefaultAndAnUnknownOneIsRefusedNamingTheKey() throws Exception {
        assertEquals(TlsProvider.AUTO, BrokerConfigLoader.load(Optional.empty(), Map.of()).tlsProvider());
        assertEquals(TlsProvider.JDK, BrokerConfigLoader.load(Optional.empty(),
                Map.of("https.tls-provider", "jdk")).tlsProvider());
        assertEquals(TlsProvider.OPENSSL, BrokerConfigLoader.load(Optional.empty(),
                Map.of("https.tls-provider", "openssl")).tlsProvider());
        ConfigException refused = assertThrows(ConfigException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("https.tls-provider", "boringssl")));
        assertTrue(refused.getMessage().contains("https.tls-provider"), refused.getMessage());
    }

    @Test
    void autoIsBoringSslWhereItLoadsAndJsseWhereItDoesNot() throws Exception {
        Throwable missing = new UnsatisfiedLinkError("no netty_tcnative in java.library.path");
        assertEquals(TlsProvider.OPENSSL, HttpsTls.resolve(TlsProvider.AUTO, true, null));
        assertEquals(TlsProvider.JDK, HttpsTls.resolve(TlsProvider.AUTO, false, missing));
        assertEquals(TlsProvider.JDK, HttpsTls.resolve(TlsProvider.JDK, true, null));
        assertEquals(TlsProvider.OPENSSL, HttpsTls.resolve(TlsProvider.OPENSSL, true, null));
        javax.net.ssl.SSLException refused = assertThrows(javax.net.ssl.SSLException.class,
                () -> HttpsTls.resolve(TlsProvider.OPENSSL, false, missing));
        assertTrue(refused.getMessage().contains("https.tls-provider=openssl")
                && refused.getMessage().contains("netty_tcnative"), refused.getMessage());
    }

    @Test
    void theDefaultListenerRunsOnBoringSslOnThisMachine() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable(),
                "netty-tcnative loads on linux-x86_64, the build machines' architecture");
        SslContext context = HttpsTls.context(serverKeys.getPrivate(), List.of(server, ca), ca,
                BrokerConfigLoader.load(Optional.empty(), Map.of()).tlsProvider());
        assertTrue(context instanceof io.netty.handler.ssl.OpenSslContext, context.getClass().getName());
    }
}

package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.configuration.service.entity.Tls;
import com.hivemq.security.ssl.SslContextFactory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.config.TlsProvider;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.IssuingCa;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.TlsPolicy;
import org.telekiosk.broker.testing.TestKiosk;

/**
 * {@code mqtt.tls-provider} ({@link HiveMqTls}): HiveMQ's own listener context factory, fed the key stores the broker
 * writes for it, makes BoringSSL engines with {@code openssl} and JSSE engines with {@code jdk}; either way a kiosk's
 * certificate is required and checked, and every other caller of {@code SSLContext.getInstance("TLS")} still gets the
 * JDK's JSSE. The whole listener on it: the module's tests that connect kiosks over MQTT ran green with it as the
 * default (the sixteenth session's clean-clone CI); the default is {@code jdk} since (docs/benchmarks.md).
 */
class HiveMqTlsTest {
    @TempDir
    Path dir;

    private IssuingCa ca;
    private ListenerKeyStores stores;

    @BeforeEach
    void keyStores() throws Exception {
        BrokerPki pki = BrokerPki.open(dir.resolve("pki"),
                KeystorePassword.resolve(null, dir.resolve("keystore.password"), new SecureRandom()),
                List.of("localhost"), new Certificates(new SecureRandom()), Clock.systemUTC());
        ca = pki.issuing();
        stores = ListenerKeyStores.write(dir, ca, List.of("localhost"), Instant.now(), new SecureRandom());
    }

    @AfterAll
    static void backToTheDefault() throws SSLException {
        HiveMqTls.use(TlsProvider.JDK);
    }

    private SslContext hiveMqContext() {
        Tls tls = new Tls.Builder()
                .withKeystorePath(stores.keyStore().toString())
                .withKeystorePassword(stores.password())
                .withKeystoreType("PKCS12")
                .withPrivateKeyPassword(stores.password())
                .withTruststorePath(stores.trustStore().toString())
                .withTruststorePassword(stores.password())
                .withTruststoreType("PKCS12")
                .withClientAuthMode(Tls.ClientAuthMode.REQUIRED)
                .withProtocols(TlsPolicy.PROTOCOLS)
                .withCipherSuites(TlsPolicy.CIPHERS)
                .withHandshakeTimeout(10_000)
                .build();
        return new SslContextFactory().createSslContext(tls);
    }

    private SSLContext kiosk(boolean withCertificate) throws Exception {
        KeyPair keys = TestKiosk.p256();
        if (!withCertificate) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustOnly(), null);
            return context;
        }
        var cert = ca.issueClient(keys.getPublic(), "kiosk-tls", Instant.now().minusSeconds(60), Duration.ofDays(1));
        List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>(List.of(cert));
        chain.addAll(ca.chain());
        return TestKiosk.tls(keys, chain, ca.root());
    }

    private javax.net.ssl.TrustManager[] trustOnly() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.root());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    @Test
    void withOpensslHiveMqsListenerGetsBoringSslEnginesThatRequireAKioskCertificate() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative loads here");
        assertEquals(TlsProvider.OPENSSL, HiveMqTls.use(TlsProvider.OPENSSL));
        SslContext listener = hiveMqContext();

        SSLEngine server = listener.newEngine(ByteBufAllocator.DEFAULT);
        try {
            assertTrue(server instanceof HiveMqTlsEngine, server.getClass().getName());
            assertTrue(server.getNeedClientAuth(), "a kiosk certificate is required");
            SSLEngine client = kiosk(true).createSSLEngine("localhost", 8883);
            client.setUseClientMode(true);
            assertTrue(client.getClass().getName().startsWith("sun.security.ssl."),
                    "others still get JSSE: " + client.getClass().getName());
            assertEquals(Optional.empty(), handshake(client, server));
            assertEquals("TLSv1.3", server.getSession().getProtocol());
            // HiveMQ casts the whole array (ExtensionInformationUtil): netty-tcnative's own is a Certificate[].
            var chain = (java.security.cert.X509Certificate[]) server.getSession().getPeerCertificates();
            var peer = chain[0];
            assertTrue(peer.getSubjectX500Principal().getName().contains("kiosk-tls"), peer.toString());
        } finally {
            ReferenceCountUtil.release(server);
        }

        SSLEngine refusing = listener.newEngine(ByteBufAllocator.DEFAULT);
        try {
            SSLEngine anonymous = kiosk(false).createSSLEngine("localhost", 8883);
            anonymous.setUseClientMode(true);
            Optional<SSLException> refused = handshake(anonymous, refusing);
            assertTrue(refused.isPresent(), "a kiosk without a certificate is refused");
        } finally {
            ReferenceCountUtil.release(refusing);
        }
    }

    @Test
    void withJdkHiveMqsListenerStaysOnJsse() throws Exception {
        assertEquals(TlsProvider.JDK, HiveMqTls.use(TlsProvider.JDK));
        SSLEngine server = hiveMqContext().newEngine(ByteBufAllocator.DEFAULT);
        assertTrue(server.getClass().getName().startsWith("sun.security.ssl."), server.getClass().getName());
        SSLEngine client = kiosk(true).createSSLEngine("localhost", 8883);
        client.setUseClientMode(true);
        assertEquals(Optional.empty(), handshake(client, server));
    }

    @Test
    void opensslThatCannotLoadIsRefusedAndAutoFallsBackToJsse() throws Exception {
        Throwable missing = new UnsatisfiedLinkError("no netty_tcnative in java.library.path");
        SSLException refused = assertThrows(SSLException.class,
                () -> HiveMqTls.resolve(TlsProvider.OPENSSL, false, missing));
        assertTrue(refused.getMessage().contains("mqtt.tls-provider=openssl"), refused.getMessage());
        assertEquals(TlsProvider.JDK, HiveMqTls.resolve(TlsProvider.AUTO, false, missing));
        assertEquals(TlsProvider.OPENSSL, HiveMqTls.resolve(TlsProvider.AUTO, true, null));
    }

    @Test
    void theSettingIsReadAndAWrongValueNamesTheKey() throws Exception {
        assertEquals(TlsProvider.JDK, BrokerConfigLoader.load(Optional.empty(), Map.of()).mqttTlsProvider());
        assertEquals(TlsProvider.OPENSSL,
                BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.tls-provider", "openssl")).mqttTlsProvider());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("mqtt.tls-provider", "conscrypt")));
        assertTrue(wrong.getMessage().contains("mqtt.tls-provider"), wrong.getMessage());
    }

    /** Runs a handshake between two engines in memory; the exception that ended it, if one did. */
    private static Optional<SSLException> handshake(SSLEngine client, SSLEngine server) {
        ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        ByteBuffer empty = ByteBuffer.allocate(0);
        try {
            client.beginHandshake();
            server.beginHandshake();
            for (int round = 0; round < 200; round++) {
                step(client, empty, toServer, toClient, sink);
                step(server, empty, toClient, toServer, sink);
                if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                    return Optional.empty();
                }
            }
            throw new AssertionError("the handshake did not finish in 200 rounds");
        } catch (SSLException e) {
            return Optional.of(e);
        }
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** One engine's turn: read what the peer sent, run delegated tasks, write what it has to send. */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            var result = engine.unwrap(in, sink);
            sink.clear();
            runTasks(engine);
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                break;
            }
        }
        in.compact();
        for (int i = 0; i < 10; i++) {
            var result = engine.wrap(empty, out);
            runTasks(engine);
            if (result.bytesProduced() == 0) {
                break;
            }
        }
        assertFalse(engine.isOutboundDone() && engine.isInboundDone() && out.position() == 0 && in.position() > 0,
                "an engine closed with input left");
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}

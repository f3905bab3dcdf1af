package org.telekiosk.broker.mqtt;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.telekiosk.broker.config.TlsProvider;

/**
 * {@code mqtt.tls-provider}: the embedded HiveMQ's TLS on BoringSSL (netty-tcnative) instead of the JDK's JSSE.
 *
 * <p>Why this way: HiveMQ CE 2025.5 builds its listener's context with Netty's {@code SslContextBuilder} pinned to
 * {@code SslProvider.JDK} ({@code SslContextFactory}, no setting), so its records are JSSE's, the largest share of
 * its event loops' CPU a kiosk publish (docs/benchmarks.md, issue 16). Netty's JDK context takes its
 * {@code SSLContext} from {@code SSLContext.getInstance("TLS")}, the first JCA provider that offers it. This class is
 * such a provider, put first: asked from HiveMQ's {@code SslContextFactory} (a stack walk when a context is made, at
 * the listener's start and when HiveMQ reloads its key stores, never per connection), it answers with an
 * {@code SSLContextSpi} whose engines are netty-tcnative's BoringSSL engines, built from the key and trust managers
 * HiveMQ hands it (seen through {@link HiveMqTlsEngine}, which gives HiveMQ the client's chain in the array type it
 * casts to); asked from anywhere else it answers with the JDK's own SunJSSE context, so nothing else in the process
 * changes. HiveMQ still sets protocols, cipher suites and client authentication on each engine as before
 * ({@code HiveMqConfigXml}: {@code TlsPolicy}'s, client certificate required), so what a kiosk negotiates does not
 * change; BoringSSL never renegotiates.
 *
 * <p>The choice is the process's: one embedded HiveMQ per process, so the last {@link #use} wins.
 */
final class HiveMqTls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HiveMqTls.class);
    static final String PROVIDER_NAME = "TelekioskMqttTls";
    private static final String HIVEMQ_CONTEXT_FACTORY = "com.hivemq.security.ssl.SslContextFactory";

    /** Whether HiveMQ's next contexts are BoringSSL's; read when HiveMQ makes one. */
    private static volatile boolean boringSsl;

    private HiveMqTls() {}

    /**
     * Chooses the embedded HiveMQ's TLS for the contexts it makes from now on, before its start.
     *
     * @return the provider in use: {@link TlsProvider#OPENSSL} or {@link TlsProvider#JDK}
     * @throws SSLException when {@code provider} is {@link TlsProvider#OPENSSL} and netty-tcnative cannot be loaded
     */
    static synchronized TlsProvider use(TlsProvider provider) throws SSLException {
        TlsProvider used = resolve(provider, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
        boringSsl = used == TlsProvider.OPENSSL;
        if (boringSsl && Security.getProvider(PROVIDER_NAME) == null) {
            Security.insertProviderAt(new Jca(), 1);
        }
        LOG.info("MQTT TLS provider: {} ({})", used.key(), boringSsl ? OpenSsl.versionString() : "JSSE");
        return used;
    }

    /** {@link TlsProvider#resolve} for {@code mqtt.tls-provider}. */
    static TlsProvider resolve(TlsProvider provider, boolean openSslAvailable, Throwable unavailability)
            throws SSLException {
        return provider.resolve("mqtt.tls-provider", "the embedded MQTT broker's listener", openSslAvailable,
                unavailability);
    }

    /** True when called (through Netty's JDK context) from HiveMQ's listener context factory. */
    private static boolean forHiveMq() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                frame -> frame.getClassName().equals(HIVEMQ_CONTEXT_FACTORY)));
    }

    /** The JCA provider: {@code SSLContext.TLS}, BoringSSL for HiveMQ, SunJSSE's for every other caller. */
    private static final class Jca extends Provider {
        private Jca() {
            super(PROVIDER_NAME, "1", "SSLContext.TLS: BoringSSL for the embedded HiveMQ's listener, else SunJSSE");
            putService(new Service(this, "SSLContext", "TLS", BoringSslServerContext.class.getName(), null, null) {
                @Override
                public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
                    if (boringSsl && forHiveMq()) {
                        return new BoringSslServerContext();
                    }
                    Provider jsse = Security.getProvider("SunJSSE");
                    if (jsse == null) {
                        throw new NoSuchAlgorithmException("SSLContext.TLS: the JDK's SunJSSE provider is missing");
                    }
                    return jsse.getService("SSLContext", "TLS").newInstance(parameter);
                }
            });
        }
    }

    /**
     * A server-side {@code SSLContextSpi} over a netty-tcnative context: engines only (HiveMQ asks for nothing else).
     * Client authentication is left to each engine, as Netty's JDK context sets it there; the trust manager HiveMQ
     * built from its trust store checks the client's chain. Initialised without a key manager (Netty's JDK server
     * context makes such a default context once, in its class initialiser, on HiveMQ's call) it is SunJSSE's.
     */
    static final class BoringSslServerContext extends SSLContextSpi {
        private volatile SslContext context;
        private volatile SSLContext jsse;

        @Override
        protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
                throws KeyManagementException {
            Optional<X509KeyManager> key = first(keyManagers, X509KeyManager.class);
            if (key.isEmpty()) {
                try {
                    SSLContext own = SSLContext.getInstance("TLS", "SunJSSE");
                    own.init(keyManagers, trustManagers, random);
                    jsse = own;
                    return;
                } catch (GeneralSecurityException e) {
                    throw new KeyManagementException("SunJSSE's TLS context: " + e.getMessage(), e);
                }
            }
            X509TrustManager trust = first(trustManagers, X509TrustManager.class).orElseThrow(
                    () -> new KeyManagementException("the MQTT listener's TLS needs an X.509 trust manager"));
            try {
                context = SslContextBuilder.forServer(key.get())
                        .trustManager(trust)
                        .sslProvider(SslProvider.OPENSSL)
                        .clientAuth(ClientAuth.NONE)
                        .build();
            } catch (SSLException e) {
                throw new KeyManagementException("BoringSSL context for the MQTT listener: " + e.getMessage(), e);
            }
        }

        private static <T> Optional<T> first(Object[] managers, Class<T> type) {
            return Arrays.stream(Objects.requireNonNullElse(managers, new Object[0]))
                    .filter(type::isInstance).map(type::cast).findFirst();
        }

        private SslContext context() {
            SslContext current = context;
            if (current == null) {
                throw new IllegalStateException("SSLContext is not initialized");
            }
            return current;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLContext own = jsse;
            return own != null ? own.createSSLEngine()
                    : new HiveMqTlsEngine(context().newEngine(PooledByteBufAllocator.DEFAULT));
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLContext own = jsse;
            return own != null ? own.createSSLEngine(host, port)
                    : new HiveMqTlsEngine(context().newEngine(PooledByteBufAllocator.DEFAULT, host, port));
        }

        /** Netty's JDK context reads these at its construction (the JDK's default goes through a socket). */
        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            SSLContext own = jsse;
            if (own != null) {
                return own.getDefaultSSLParameters();
            }
            SSLEngine engine = engineCreateSSLEngine();
            try {
                return engine.getSSLParameters();
            } finally {
                ReferenceCountUtil.release(engine);
            }
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            SSLContext own = jsse;
            if (own != null) {
                return own.getSupportedSSLParameters();
            }
            SSLEngine engine = engineCreateSSLEngine();
            try {
                SSLParameters supported = engine.getSSLParameters();
                supported.setCipherSuites(engine.getSupportedCipherSuites());
                supported.setProtocols(engine.getSupportedProtocols());
                return supported;
            } finally {
                ReferenceCountUtil.release(engine);
            }
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            SSLContext own = jsse;
            return own != null ? own.getServerSessionContext() : context().sessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            SSLContext own = jsse;
            if (own != null) {
                return own.getClientSessionContext();
            }
            throw new UnsupportedOperationException("the MQTT listener's BoringSSL context is a server's");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            SSLContext own = jsse;
            if (own != null) {
                return own.getSocketFactory();
            }
            throw new UnsupportedOperationException("the MQTT listener's BoringSSL context makes engines only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            SSLContext own = jsse;
            if (own != null) {
                return own.getServerSocketFactory();
            }
            throw new UnsupportedOperationException("the MQTT listener's BoringSSL context makes engines only");
        }
    }
}

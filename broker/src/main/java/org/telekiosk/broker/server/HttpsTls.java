package org.telekiosk.broker.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.telekiosk.broker.config.TlsProvider;
import org.telekiosk.broker.pki.KioskClientTrust;
import org.telekiosk.broker.pki.Renegotiation;
import org.telekiosk.broker.pki.TlsPolicy;

/**
 * The HTTPS listener's TLS context on the provider {@code https.tls-provider} names: with either, TLS 1.3 and 1.2 with
 * {@link TlsPolicy}'s cipher suites, and a client certificate asked for but optional (only the kiosk-facing endpoints
 * need one), checked against the kiosks' root CA by {@link KioskClientTrust}.
 */
final class HttpsTls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpsTls.class);

    private HttpsTls() {}

    /**
     * The provider {@code https.tls-provider} comes to on this machine: {@code auto} is BoringSSL when netty-tcnative
     * loads and JSSE otherwise (with a warning naming the cause); {@code openssl} that cannot load is refused.
     *
     * @throws SSLException when {@code provider} is {@link TlsProvider#OPENSSL} and netty-tcnative cannot be loaded
     */
    static TlsProvider resolve(TlsProvider provider, boolean openSslAvailable, Throwable unavailability)
            throws SSLException {
        return provider.resolve("https.tls-provider", "the HTTPS listener", openSslAvailable, unavailability);
    }

    /**
     * @throws SSLException also when {@code provider} is {@link TlsProvider#OPENSSL} and netty-tcnative cannot be
     *                      loaded here (another CPU architecture, a missing jar), naming the key and the cause
     */
    static SslContext context(PrivateKey key, List<X509Certificate> chain, X509Certificate kioskRoot,
            TlsProvider provider) throws SSLException {
        // JSSE reads the property once per process, at its first server handshake: whoever makes the listener's
        // context sets it first (a test class handshaking before any broker started left it off for the whole JVM).
        Renegotiation.refuseClientInitiated();
        TlsProvider used = resolve(provider, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
        LOG.info("HTTPS TLS provider: {} ({})", used.key(), used == TlsProvider.JDK ? "JSSE" : OpenSsl.versionString());
        SslProvider implementation = used == TlsProvider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
        return SslContextBuilder.forServer(key, chain)
                .sslProvider(implementation)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.CIPHERS)
                .trustManager(new KioskClientTrust(kioskRoot))
                .clientAuth(ClientAuth.OPTIONAL)
                .build();
    }
}

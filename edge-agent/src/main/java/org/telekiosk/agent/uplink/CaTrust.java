package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client sockets that trust exactly the CA certificates of one PEM file (RFC 7468), not the JDK's default
 * trust store. Hostname verification (RFC 6125) is switched on where the socket is used (Paho's
 * {@code httpsHostnameVerificationEnabled}), because it depends on the host being connected to.
 */
public final class CaTrust {
    private CaTrust() {}

    /**
     * Reads the CA certificates from {@code caPem} and builds a socket factory that trusts only them.
     *
     * @throws IOException if the file cannot be read or holds no X.509 certificate
     */
    public static SSLSocketFactory socketFactory(Path caPem) throws IOException {
        return context(caPem, null).getSocketFactory();
    }

    /**
     * Like {@link #socketFactory(Path)}, presenting the client certificate of {@code identity} (mutual TLS) when the
     * server asks for one; null for none.
     */
    public static SSLContext context(Path caPem, javax.net.ssl.KeyManager identity) throws IOException {
        Collection<? extends Certificate> certificates = read(caPem);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : new javax.net.ssl.KeyManager[] {identity},
                    trust.getTrustManagers(), null);
            if (identity instanceof IdentityKeyManager reloading) {
                reloading.onChange(() -> forgetSessions(context));
            }
            return context;
        } catch (GeneralSecurityException | IOException e) {
            // Only a JDK without PKCS12, PKIX or TLS gets here; no input of ours can cause it.
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Invalidates every cached client session, so the next handshake is a full one with the current identity. */
    static void forgetSessions(SSLContext context) {
        javax.net.ssl.SSLSessionContext sessions = context.getClientSessionContext();
        for (var ids = sessions.getIds(); ids.hasMoreElements(); ) {
            javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
    }

    private static Collection<? extends Certificate> read(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty() || !certificates.stream().allMatch(X509Certificate.class::isInstance)) {
                throw new IOException("no X.509 certificate in " + caPem);
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IOException("cannot read the CA certificate in " + caPem + ": " + e.getMessage(), e);
        }
    }
}

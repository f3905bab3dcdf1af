package org.telekiosk.agent.enrollment;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS server on first contact only if its certificate chain contains the CA certificate whose public key
 * (SHA-256 of the DER SubjectPublicKeyInfo) the enrollment token pins, and the chain validates up to that CA (PKIX,
 * RFC 5280) with the host name checked (RFC 6125). Otherwise the handshake fails with {@link PinMismatch} before a
 * single byte of the request is sent. Compare {@code kubeadm join --discovery-token-ca-cert-hash}.
 */
final class PinnedCaTrust extends X509ExtendedTrustManager {
    private final byte[] pin;
    private volatile X509Certificate pinnedCa;

    PinnedCaTrust(byte[] pin) {
        this.pin = pin.clone();
    }

    /** The server chain held no certificate with the pinned key. */
    static final class PinMismatch extends CertificateException {
        PinMismatch(String message) {
            super(message);
        }
    }

    /** The pinned CA, once a server presented it. */
    Optional<X509Certificate> pinnedCa() {
        return Optional.ofNullable(pinnedCa);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate(chain).checkServerTrusted(chain, authType);
    }

    private X509ExtendedTrustManager delegate(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate cert : chain) {
            if (MessageDigest.isEqual(pin, spkiHash(cert)) && cert.getBasicConstraints() >= 0) {
                pinnedCa = cert;
                return trusting(cert);
            }
        }
        throw new PinMismatch("no CA certificate in the server's chain has the public key pinned by the token (sha256 "
                + HexFormat.of().formatHex(pin) + ")");
    }

    private static X509ExtendedTrustManager trusting(X509Certificate ca) throws CertificateException {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("pinned-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new CertificateException("the JDK has no PKIX trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new CertificateException("cannot set up trust in the pinned CA: " + e.getMessage(), e);
        }
    }

    static byte[] spkiHash(X509Certificate cert) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

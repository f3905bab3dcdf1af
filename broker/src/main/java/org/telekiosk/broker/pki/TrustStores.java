package org.telekiosk.broker.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS client contexts that trust exactly one CA, nothing from the system trust store. */
public final class TrustStores {
    private TrustStores() {}

    public static SSLContext trusting(X509Certificate ca) throws GeneralSecurityException {
        return context(ca, null);
    }

    /** Trusting {@code ca} only, and presenting {@code identity} (key and chain) as the client certificate. */
    public static SSLContext trustingWithIdentity(X509Certificate ca, KeyStore.PrivateKeyEntry identity)
            throws GeneralSecurityException {
        return context(ca, identity);
    }

    private static SSLContext context(X509Certificate ca, KeyStore.PrivateKeyEntry identity)
            throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("telekiosk-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keyManagers = null;
            if (identity != null) {
                char[] transientPassword = "in-memory".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setEntry("identity", identity, new KeyStore.PasswordProtection(transientPassword));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, transientPassword);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build a trust store", e);
        }
    }
}

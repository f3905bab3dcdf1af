package org.telekiosk.broker.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Set;
import javax.net.ssl.X509TrustManager;

/**
 * Checks client certificates on the HTTPS listener (used only by {@code POST /api/v1/renew}): the chain must lead to
 * our root CA by signature, validated as of the leaf's own start date. Expiry is left to the renewal service, which
 * judges it by the injected clock and answers an expired kiosk with a clear message instead of a bare TLS alert.
 * Revocation is also checked there, against the registry. Server certificates are not checked here (never used).
 */
public final class KioskClientTrust implements X509TrustManager {
    private final X509Certificate root;

    public KioskClientTrust(X509Certificate root) {
        this.root = root;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        try {
            X509Certificate[] path = Arrays.stream(chain).filter(c -> !c.equals(root)).toArray(X509Certificate[]::new);
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(chain[0].getNotBefore());
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(path)), parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("client certificate not from the Telekiosk CA: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {root};
    }
}

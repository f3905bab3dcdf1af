package org.telekiosk.agent.enrollment;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Reads names out of certificates. */
final class CertificateNames {
    private CertificateNames() {}

    /** The subject's CN, or "" if it has none. */
    static String commonName(X509Certificate cert) {
        for (RDN rdn : X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN)) {
            return IETFUtils.valueToString(rdn.getFirst().getValue());
        }
        return "";
    }
}

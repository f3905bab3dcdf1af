package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * Every certificate the broker issues names where its CRL is served (RFC 5280 §4.2.1.13): an enrolled kiosk's
 * certificate and the HTTPS server certificate carry one CRL distribution point, {@code <https.public-url>/pki/crl},
 * derived from the first host name and the HTTPS port; that URL answers with the issuing CA's CRL. CA certificates
 * carry none.
 */
public class CrlDistributionPointTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    public static List<String> distributionPoints(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (extension == null) {
            return null;
        }
        CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        List<String> urls = new java.util.ArrayList<>();
        for (DistributionPoint point : points.getDistributionPoints()) {
            assertEquals(DistributionPointName.FULL_NAME, point.getDistributionPoint().getType());
            for (GeneralName name : GeneralNames.getInstance(point.getDistributionPoint().getName()).getNames()) {
                assertEquals(GeneralName.uniformResourceIdentifier, name.getTagNo());
                urls.add(name.getName().toString());
            }
        }
        return urls;
    }

    @Test
    void anIssuedKioskCertificateAndTheServerCertificateNameTheServedCrl() throws Exception {
        String expected = "https://localhost:" + BROKER.broker().httpsPort() + "/pki/crl";
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("crl-dp-kiosk"));

        assertEquals(List.of(expected), distributionPoints(kiosk.certificate()));
        assertEquals(List.of(expected), distributionPoints(BROKER.broker().pki().serverChain().getFirst()));
        assertNull(distributionPoints(BROKER.broker().pki().issuing().certificate()), "none in a CA certificate");

        HttpClient http = HttpClient.newBuilder().sslContext(BROKER.tls()).build();
        HttpResponse<byte[]> crl = http.send(HttpRequest.newBuilder(java.net.URI.create(expected)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, crl.statusCode());
        X509CRL parsed = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(crl.body()));
        parsed.verify(BROKER.broker().pki().issuing().certificate().getPublicKey());
    }
}

package org.telekiosk.broker.enrollment;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.telekiosk.broker.request.Refusal.Kind;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.Untrusted;

/**
 * Checks a PKCS#10 certificate signing request (RFC 2986) from a kiosk: PEM, signed with the key it carries (proof
 * of possession), subject exactly {@code CN=<kiosk id>} (optionally with {@code O=Telekiosk}), and a key we accept:
 * ECDSA on P-256 or P-384. Everything else is refused, in particular RSA of any size (RSA 1024 is broken; larger RSA
 * keys are slow on a Pi and our TLS policy offers ECDSA suites only) and smaller or unusual curves (P-192).
 */
final class CsrCheck {
    /** A request that passed: its key, to be certified. */
    record Accepted(PublicKey key) {}

    private CsrCheck() {}

    static Accepted check(String pem, KioskId expected) throws RefusedException {
        PKCS10CertificationRequest csr = parse(pem);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            throw new RefusedException(Refused.badRequest("the CSR's key is " + keyName(spki)
                    + ", which is refused: make an ECDSA P-256 or P-384 key on the kiosk"));
        }
        ASN1ObjectIdentifier curve = spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier oid ? oid : null;
        if (!SECObjectIdentifiers.secp256r1.equals(curve) && !SECObjectIdentifiers.secp384r1.equals(curve)) {
            throw new RefusedException(Refused.badRequest("the CSR's key is " + keyName(spki)
                    + ", which is refused: make an ECDSA P-256 or P-384 key on the kiosk"));
        }
        PublicKey key;
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new RefusedException(Refused.badRequest(
                        "the CSR's signature does not verify with its own key (no proof of possession)"));
            }
        } catch (java.security.GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new RefusedException(Refused.badRequest("the CSR's key or signature cannot be read: "
                    + e.getMessage()));
        }
        if (!(key instanceof ECPublicKey)) {
            throw new RefusedException(Refused.badRequest("the CSR's key is not an EC key"));
        }
        String subject = subjectCommonName(csr.getSubject());
        if (!expected.value().equals(subject)) {
            throw new RefusedException(Refused.of(Kind.FORBIDDEN, "CSR does not match the token",
                    "the CSR's subject is CN=" + Untrusted.printable(subject, 80)
                            + ", but the token enrolls kiosk " + expected
                            + ": make the request with CN=" + expected));
        }
        return new Accepted(key);
    }

    private static PKCS10CertificationRequest parse(String pem) throws RefusedException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        } catch (IOException | RuntimeException e) {
            // Falls through to the refusal below: whatever it is, it is no CSR.
        }
        throw new RefusedException(Refused.badRequest(
                "csr must be a PKCS#10 request in PEM ('-----BEGIN CERTIFICATE REQUEST-----')"));
    }

    /** The one CN of the subject, or a description of why there is not exactly one CN and nothing but O. */
    private static String subjectCommonName(X500Name subject) {
        String cn = null;
        for (RDN rdn : subject.getRDNs()) {
            if (rdn.isMultiValued()) {
                return subject.toString();
            }
            ASN1ObjectIdentifier type = rdn.getFirst().getType();
            if (BCStyle.CN.equals(type) && cn == null) {
                cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            } else if (!BCStyle.O.equals(type)) {
                return subject.toString();
            }
        }
        return cn == null ? subject.toString() : cn;
    }

    private static String keyName(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            try {
                var rsa = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(spki.parsePublicKey());
                return "RSA " + rsa.getModulus().bitLength() + " bit";
            } catch (IOException | RuntimeException e) {
                return "RSA";
            }
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            Object params = spki.getAlgorithm().getParameters();
            if (params instanceof ASN1ObjectIdentifier oid) {
                String nist = org.bouncycastle.asn1.nist.NISTNamedCurves.getName(oid);
                String name = org.bouncycastle.asn1.x9.ECNamedCurveTable.getName(oid);
                return "EC " + (nist != null ? nist + " (" + name + ")" : name != null ? name : oid.getId());
            }
            return "EC with explicit curve parameters";
        }
        return "of algorithm " + algorithm.getId();
    }

}

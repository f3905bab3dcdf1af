package org.telekiosk.broker.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The identity the HTTPS listener presents: the broker's own (issued by its CA) or an operator-supplied PEM chain
 * and key. {@link #pinnedCa()} is the CA at the top of the chain, whose key enrollment tokens pin.
 */
public record ServerIdentity(PrivateKey key, List<X509Certificate> chain) {
    public ServerIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a server identity needs at least one certificate");
        }
    }

    /** The last certificate of the chain: the CA a kiosk pins. */
    public X509Certificate pinnedCa() {
        return chain.getLast();
    }

    /**
     * The DNS names and IP addresses the server certificate (the first of the chain) is valid for, from its subject
     * alternative names (RFC 5280 §4.2.1.6), in the certificate's order; wildcard names, which no browser origin can
     * equal, are left out.
     */
    public List<String> hostNames() {
        try {
            var names = chain.getFirst().getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(name -> name.size() == 2 && (Integer.valueOf(2).equals(name.get(0))
                            || Integer.valueOf(7).equals(name.get(0))))
                    .map(name -> String.valueOf(name.get(1)))
                    .filter(name -> !name.contains("*"))
                    .distinct()
                    .toList();
        } catch (CertificateParsingException e) {
            throw new IllegalStateException("the server certificate's subject alternative names are unreadable", e);
        }
    }

    /**
     * Reads an operator-supplied identity: {@code certificates}, a PEM chain (server certificate first, its CA
     * last, RFC 8446 §4.4.2), and {@code key}, a PEM private key that others may not read. Blocking.
     */
    public static ServerIdentity fromPem(Path certificates, Path key) throws IOException {
        SecureFiles.requireOwnerOnly(key);
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(certificates)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IOException("https.certificate-file " + certificates + " holds no PEM certificates: "
                    + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("https.certificate-file " + certificates + " holds no PEM certificate");
        }
        try (Reader reader = Files.newBufferedReader(key); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey privateKey = switch (object) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null, default -> throw new IOException("https.key-file " + key
                        + " holds no unencrypted PEM private key");
            };
            return new ServerIdentity(privateKey, chain);
        }
    }
}

package org.telekiosk.agent.enrollment;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosk's key material on disk: a P-256 key made here ({@code kiosk.key}, PKCS#8 PEM), its certificate chain
 * ({@code kiosk.crt}), the Telekiosk root CA ({@code ca.pem}); every file written 0600 before its first byte, and
 * moved into place atomically. PKCS#10 requests (RFC 2986) for enrollment and renewal.
 */
public final class KioskKeys {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private KioskKeys() {}

    /** A new ECDSA P-256 key pair; the private key is written only to this kiosk's disk. */
    public static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 key generator", e);
        }
    }

    /** A PEM PKCS#10 request with subject {@code CN=<kiosk>,O=Telekiosk}, signed with {@code keys}. */
    public static String csr(KeyPair keys, KioskId kiosk) {
        try {
            var request = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=" + kiosk.value() + ",O=Telekiosk"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return pem(request);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no ECDSA signer", e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The private key as PKCS#8 PEM (RFC 7468 §10, "PRIVATE KEY"). Not Bouncy Castle's PEM writer: it turns an EC
     * PrivateKeyInfo into a SEC1 "EC PRIVATE KEY" without the curve, which OpenSSL cannot read.
     */
    static String pemKey(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** Reads the X.509 certificates of a PEM file, in order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IOException(file + " holds no readable PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Parses PEM certificates from text. */
    static List<X509Certificate> parseCertificates(String pem) throws IOException {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IOException("the broker sent no readable certificate: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#8 PEM private key, refusing a file that others may read. */
    public static PrivateKey readKey(Path file) throws IOException {
        requireOwnerOnly(file);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            if (parser.readObject() instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            throw new IOException(file + " holds no PKCS#8 PEM private key");
        }
    }

    /** Refuses a secret file that group or others may read or write. */
    public static void requireOwnerOnly(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new IOException(file + " may be read or written by group or others ("
                    + PosixFilePermissions.toString(permissions) + "); it holds the kiosk's private key: check who "
                    + "may have read it, then chmod 600 " + file);
        }
    }

    /** Writes {@code content} to {@code target}, 0600 from the start, flushed, moved into place atomically. */
    public static void writeSecret(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (POSIX) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(tmp);
        }
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

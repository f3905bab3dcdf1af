package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the kiosk's certificate in TLS handshakes, reading {@link ClientIdentity}'s files again whenever one of
 * them changed (renewal replaces them), so that each new connection uses the newest certificate. The key file must
 * be readable by its owner only.
 */
public final class IdentityKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "kiosk";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final ClientIdentity identity;
    private volatile Runnable onChange = () -> { };
    private FileTime loadedCert;
    private FileTime loadedKey;
    private PrivateKey key;
    private X509Certificate[] chain;

    /** Reads the files once, so that a broken identity fails at start. */
    public IdentityKeyManager(ClientIdentity identity) throws IOException {
        this.identity = identity;
        reload();
    }

    /** The current certificate chain, the kiosk's certificate first. */
    public synchronized X509Certificate[] chain() {
        reloadQuietly();
        return chain.clone();
    }

    private synchronized void reloadQuietly() {
        try {
            reload();
        } catch (IOException e) {
            // Keep the identity loaded before: a renewal may be replacing the files right now.
        }
    }

    private synchronized void reload() throws IOException {
        FileTime cert = Files.getLastModifiedTime(identity.certificateFile());
        FileTime keyTime = Files.getLastModifiedTime(identity.keyFile());
        if (cert.equals(loadedCert) && keyTime.equals(loadedKey)) {
            return;
        }
        X509Certificate[] newChain = readChain(identity.certificateFile());
        PrivateKey newKey = readKey(identity.keyFile());
        if (!belongTogether(newKey, newChain[0])) {
            // Renewal writes the key, then the certificate: between the two, keep the pair loaded before.
            if (chain == null) {
                throw new IOException("mqtt.key-file " + identity.keyFile() + " does not belong to the certificate in "
                        + identity.certificateFile());
            }
            return;
        }
        boolean changed = chain != null;
        this.chain = newChain;
        this.key = newKey;
        this.loadedCert = cert;
        this.loadedKey = keyTime;
        if (changed) {
            onChange.run();
        }
    }

    /**
     * Runs {@code listener} when a new identity was loaded: the TLS context must then forget its sessions, or a
     * resumed TLS session (RFC 8446 §2.2) would present the old certificate again.
     */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        try {
            byte[] probe = "telekiosk key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static X509Certificate[] readChain(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IOException("mqtt.cert-file " + file + " holds no certificate");
            }
            return certs.toArray(X509Certificate[]::new);
        } catch (CertificateException e) {
            throw new IOException("mqtt.cert-file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#8 PEM private key (RFC 7468 §10), refusing a file others may read. */
    static PrivateKey readKey(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && Files.getPosixFilePermissions(file).stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new IOException("mqtt.key-file " + file + " may be read or written by group or others; it holds "
                    + "the kiosk's private key: chmod 600 " + file);
        }
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException("mqtt.key-file " + file + " holds no PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException("mqtt.key-file " + file + " holds no EC private key: " + e.getMessage(), e);
        }
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain() : null;
    }

    @Override
    public synchronized PrivateKey getPrivateKey(String alias) {
        reloadQuietly();
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}

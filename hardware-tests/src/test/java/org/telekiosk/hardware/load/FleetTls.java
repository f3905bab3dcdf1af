package org.telekiosk.hardware.load;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManagerFactory;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.agent.uplink.UplinkSettings;

/**
 * The fleet's TLS client contexts, one a kiosk (BoringSSL when it loads). The kiosk's key and certificate chain are
 * presented by the agent's own {@link IdentityKeyManager} (read once from the enrolled files, held in memory), not
 * handed to Netty as files: from files (or a key and chain) Netty builds a PKCS#12 key store, encrypting the key
 * with PBKDF2 and decrypting it again, which at a load of 30 made the first 1,000 kiosks' contexts take minutes
 * (docs/benchmarks.md, issue 16). The trust anchors (the broker's CA, the same file content for every kiosk) are
 * read once per distinct content and shared.
 */
final class FleetTls {
    private final ConcurrentHashMap<String, TrustManagerFactory> trust = new ConcurrentHashMap<>();

    /** The kiosk's own TLS client: its key and certificate, the broker's CA. */
    SslContext clientContext(UplinkSettings settings) throws IOException {
        return SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .keyManager(new IdentityKeyManager(settings.identity()))
                .trustManager(anchors(settings.caFile())).build();
    }

    private TrustManagerFactory anchors(Path caFile) throws IOException {
        String pem = Files.readString(caFile);
        TrustManagerFactory known = trust.get(pem);
        if (known != null) {
            return known;
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
            for (Certificate ca : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            trust.putIfAbsent(pem, factory);
            return trust.get(pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the CA in " + caFile + ": " + e.getMessage(), e);
        }
    }
}

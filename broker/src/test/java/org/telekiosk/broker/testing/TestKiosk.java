package org.telekiosk.broker.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.KioskPageToken;
import org.telekiosk.protocol.enrollment.RenewalRequest;

/**
 * A kiosk for broker tests: a P-256 key made in the test, enrolled through the real HTTPS endpoint with a token the
 * broker made, then connecting to MQTT with its certificate (mutual TLS).
 */
public final class TestKiosk {
    public static final WireCodec JSON = WireCodec.json(64 * 1024);

    private final KioskId id;
    private final KeyPair keys;
    private final List<X509Certificate> chain;
    private final X509Certificate root;

    public TestKiosk(KioskId id, KeyPair keys, List<X509Certificate> chain, X509Certificate root) {
        this.id = id;
        this.keys = keys;
        this.chain = List.copyOf(chain);
        this.root = root;
    }

    /** Makes a token on the broker, a key here, and enrolls over HTTPS. */
    public static TestKiosk enroll(BrokerExtension broker, KioskId id) throws Exception {
        return enroll(broker, id,
                broker.broker().enrollment().createToken(id, "Test " + id, AuditActor.system()).line());
    }

    /** Enrolls over HTTPS with {@code token}. */
    public static TestKiosk enroll(BrokerExtension broker, KioskId id, String token) throws Exception {
        return enroll(broker, id, token, broker.tls());
    }

    /** Enrolls over HTTPS with {@code token}, trusting the HTTPS endpoint as {@code https} says. */
    public static TestKiosk enroll(BrokerExtension broker, KioskId id, String token, SSLContext https)
            throws Exception {
        KeyPair keys = p256();
        HttpResponse<String> response = post(broker, "/api/v1/enroll", https,
                JSON.encodeToString(new EnrollmentRequest(token, csr(keys, "CN=" + id.value() + ",O=Telekiosk",
                        "SHA256withECDSA"))));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("enrollment refused: " + response.body());
        }
        EnrollmentResponse issued = JSON.decode(response.body(), EnrollmentResponse.class);
        return new TestKiosk(id, keys, certificates(issued.certificateChain()),
                certificates(issued.caCertificate()).getFirst());
    }

    /** Renews over mutual TLS with this kiosk's certificate; returns the kiosk with its new key and certificate. */
    public TestKiosk renew(BrokerExtension broker) throws Exception {
        KeyPair next = p256();
        HttpResponse<String> response = post(broker, "/api/v1/renew", tls(),
                JSON.encodeToString(new RenewalRequest(csr(next, "CN=" + id.value(), "SHA256withECDSA"))));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("renewal refused: " + response.body());
        }
        EnrollmentResponse issued = JSON.decode(response.body(), EnrollmentResponse.class);
        return new TestKiosk(id, next, certificates(issued.certificateChain()), root);
    }

    /** Asks for a one-time kiosk page token over mutual TLS with this kiosk's certificate. */
    public KioskPageToken pageToken(BrokerExtension broker) throws Exception {
        HttpResponse<String> response = post(broker, "/api/v1/kiosk-page-tokens", tls(), "");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("kiosk page token refused: " + response.body());
        }
        return JSON.decode(response.body(), KioskPageToken.class);
    }

    public KioskId id() {
        return id;
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public KeyPair keys() {
        return keys;
    }

    /** TLS presenting this kiosk's certificate, trusting the root CA it was given. */
    public SSLContext tls() throws Exception {
        return tls(keys, chain, root);
    }

    /** Connects to the broker's MQTT with this kiosk's certificate and {@code clientId}. */
    public MqttClient connect(BrokerExtension broker, String clientId) throws Exception {
        return MqttTestClient.connect(broker, clientId, tls());
    }

    public MqttClient connect(BrokerExtension broker) throws Exception {
        return connect(broker, id.value());
    }

    public static SSLContext tls(KeyPair keys, List<X509Certificate> chain, X509Certificate trusted) throws Exception {
        char[] pw = "test".toCharArray();
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("kiosk", keys.getPrivate(), pw, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, pw);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    public static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A PEM PKCS#10 request for {@code subject}, signed with {@code algorithm} (Bouncy Castle's provider). */
    public static String csr(KeyPair keys, String subject, String algorithm) throws Exception {
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .build(new JcaContentSignerBuilder(algorithm)
                        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                        .build(keys.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(request);
        }
        return out.toString();
    }

    public static HttpResponse<String> post(BrokerExtension broker, String path, SSLContext tls, String json)
            throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(tls).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + broker.broker().httpsPort()
                            + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    public static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
    }
}

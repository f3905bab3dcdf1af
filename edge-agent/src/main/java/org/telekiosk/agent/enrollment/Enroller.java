package org.telekiosk.agent.enrollment;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.EnrollmentToken;
import org.telekiosk.protocol.enrollment.UpdateKeyField;
import org.telekiosk.protocol.update.UpdateKey;
import org.telekiosk.agent.update.UpdateFiles;
import java.util.Optional;

/**
 * {@code edge-agent enroll}: makes a key pair here, proves the broker is the one the token pins before sending
 * anything, exchanges the token and a CSR for a certificate, and writes key, chain, root CA and configuration
 * (all 0600) into the kiosk's directory. Run twice, it notices the kiosk is already enrolled and does nothing.
 */
public final class Enroller {
    /** Exit codes, sysexits(3) style. */
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 64;
    public static final int UNAVAILABLE = 69;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final WireCodec json = WireCodec.json(64 * 1024);
    private final Clock clock;
    private final SecureRandom random;
    private final PrintStream out;

    public Enroller(Clock clock, SecureRandom random, PrintStream out) {
        this.clock = clock;
        this.random = random;
        this.out = out;
    }

    /** Enrolls into {@code dir}; prints what it did or why not, and returns an exit code. */
    public int enroll(URI broker, String tokenLine, Path dir) throws IOException, InterruptedException {
        EnrollmentToken token;
        try {
            token = EnrollmentToken.parse(tokenLine);
        } catch (IllegalArgumentException e) {
            out.println("Refused: " + e.getMessage());
            return USAGE;
        }
        if (!"https".equals(broker.getScheme()) || broker.getHost() == null) {
            out.println("Refused: --broker must be the broker's https:// address, e.g. https://broker.example:8443");
            return USAGE;
        }
        Path existing = dir.resolve(AgentFiles.CERT);
        if (Files.exists(existing) && Files.exists(dir.resolve(AgentFiles.KEY))) {
            X509Certificate current = KioskKeys.readCertificates(existing).getFirst();
            String holder = CertificateNames.commonName(current);
            if (!holder.equals(token.kiosk().value())) {
                out.println("Refused: " + dir.toAbsolutePath() + " already holds the identity of kiosk '" + holder
                        + "', but the token enrolls '" + token.kiosk() + "'. Use another --dir, or remove "
                        + AgentFiles.CERT + " and " + AgentFiles.KEY + " there if this kiosk is to change its identity.");
                return REFUSED;
            }
            if (clock.instant().isBefore(current.getNotAfter().toInstant())) {
                out.println("Already enrolled as kiosk '" + holder + "' (certificate " + current.getSerialNumber()
                        .toString(16) + " valid until " + current.getNotAfter().toInstant() + ", in "
                        + dir.toAbsolutePath() + "). Nothing was sent; the token was not used and stays valid until "
                        + "it expires.");
                return OK;
            }
            out.println("The certificate in " + existing + " expired at " + current.getNotAfter().toInstant()
                    + "; enrolling again.");
        }

        KeyPair keys = KioskKeys.newKeyPair(random);
        String csr = KioskKeys.csr(keys, token.kiosk());
        PinnedCaTrust trust = new PinnedCaTrust(token.caPin());
        HttpResponse<String> response;
        try (HttpClient client = client(trust)) {
            HttpRequest request = HttpRequest.newBuilder(broker.resolve("/api/v1/enroll"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header(UpdateKeyField.HEADER, UpdateKeyField.FEATURE)
                    .POST(HttpRequest.BodyPublishers.ofString(json.encodeToString(new EnrollmentRequest(token.line(),
                            csr))))
                    .build();
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (SSLHandshakeException e) {
            if (causedByPinMismatch(e)) {
                out.println("Refused: the server at " + broker + " is not the broker this token was made for: its "
                        + "certificate chain does not contain the CA pinned in the token. Nothing was sent. Check "
                        + "the address; if it is right, someone may be impersonating the broker: tell the "
                        + "technician.");
            } else {
                out.println("Refused: the TLS connection to " + broker + " failed (" + e.getMessage() + "). Nothing "
                        + "was sent.");
            }
            return REFUSED;
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
            out.println("Cannot reach the broker at " + broker + ": " + e);
            return UNAVAILABLE;
        }
        if (response.statusCode() != 200) {
            out.println("Refused by the broker (" + response.statusCode() + "): " + problemDetail(response.body()));
            return REFUSED;
        }
        EnrollmentResponse issued;
        Optional<UpdateKey> updateKey;
        try {
            UpdateKeyField.Split split = UpdateKeyField.split(response.body());
            updateKey = split.key();
            issued = json.decode(split.message(), EnrollmentResponse.class);
        } catch (MalformedMessageException e) {
            out.println("The broker's answer is malformed (" + e.getMessage() + "); nothing was stored.");
            return REFUSED;
        }
        List<X509Certificate> chain = KioskKeys.parseCertificates(issued.certificateChain());
        if (chain.isEmpty() || !chain.getFirst().getPublicKey().equals(keys.getPublic())
                || !token.kiosk().value().equals(CertificateNames.commonName(chain.getFirst()))
                || !KioskId.of(issued.kioskId()).equals(token.kiosk())) {
            out.println("The broker's certificate does not certify this kiosk's new key as '" + token.kiosk()
                    + "'; nothing was stored.");
            return REFUSED;
        }
        Files.createDirectories(dir);
        KioskKeys.writeSecret(dir.resolve(AgentFiles.KEY), KioskKeys.pemKey(keys.getPrivate()));
        KioskKeys.writeSecret(dir.resolve(AgentFiles.CERT), issued.certificateChain());
        KioskKeys.writeSecret(dir.resolve(AgentFiles.CA), issued.caCertificate());
        if (updateKey.isPresent()) {
            UpdateFiles.writeKey(dir, updateKey.get());
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kiosk.id", issued.kioskId());
        config.put("mqtt.uri", issued.mqttUri());
        config.put("mqtt.ca-file", AgentFiles.CA);
        config.put("mqtt.cert-file", AgentFiles.CERT);
        config.put("mqtt.key-file", AgentFiles.KEY);
        config.put("renewal.url", issued.renewUrl());
        config.put("sequence.next", Long.toString(issued.nextSeq()));
        AgentFiles.writeConfig(dir, config);
        out.println("Enrolled kiosk '" + issued.kioskId() + "' with " + broker + ":");
        out.println("  made an ECDSA P-256 key here: " + dir.resolve(AgentFiles.KEY).toAbsolutePath()
                + " (0600, never sent)");
        out.println("  verified the broker's CA against the token's pin: " + trust.pinnedCa()
                .map(c -> c.getSubjectX500Principal().getName()).orElse("?"));
        out.println("  certificate " + chain.getFirst().getSerialNumber().toString(16) + " valid until "
                + issued.notAfter() + ": " + dir.resolve(AgentFiles.CERT).toAbsolutePath());
        out.println(updateKey.map(k -> "  pinned the key that signs agent updates (" + k.fingerprint() + "): "
                + dir.resolve(UpdateFiles.KEY_FILE).toAbsolutePath()).orElse("  the broker signs no agent updates: "
                + "this kiosk is updated by hand"));
        out.println("  readings numbered from " + issued.nextSeq() + " on (where the broker's store left off)");
        out.println("  MQTT endpoint " + issued.mqttUri() + ", configuration: "
                + dir.resolve(AgentFiles.CONFIG).toAbsolutePath());
        out.println("Start the agent with: edge-agent run --config " + dir.resolve(AgentFiles.CONFIG).toAbsolutePath());
        return OK;
    }

    private static HttpClient client(PinnedCaTrust trust) throws IOException {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static boolean causedByPinMismatch(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PinnedCaTrust.PinMismatch) {
                return true;
            }
        }
        return false;
    }

    private String problemDetail(String body) {
        try {
            Problem problem = json.decode(body, Problem.class);
            return problem.title() + ": " + problem.detail();
        } catch (MalformedMessageException e) {
            return body.length() > 200 ? body.substring(0, 200) + "…" : body;
        }
    }
}

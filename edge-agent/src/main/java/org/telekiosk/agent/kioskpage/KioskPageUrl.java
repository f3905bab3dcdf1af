package org.telekiosk.agent.kioskpage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.telekiosk.agent.enrollment.Problem;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.KioskPageToken;

/**
 * Asks the broker for a one-time kiosk page token ({@code POST /api/v1/kiosk-page-tokens}, mutual TLS with the
 * kiosk's certificate, the broker checked against the kiosk's CA file) and makes the kiosk page's URL from it:
 * {@code https://<broker>/kiosk.html#kiosk-token=<token>}. The URL opens one kiosk page session within five minutes;
 * it is a secret: never log it. Blocking (HTTPS).
 */
public final class KioskPageUrl {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ClientIdentity identity;
    private final Path caFile;
    private final URI broker;
    private final WireCodec json = WireCodec.json(16 * 1024);

    /**
     * @param broker any URL of the broker's HTTPS endpoint (the agent's {@code renewal.url}); its scheme, host and
     *               port are used
     */
    public KioskPageUrl(ClientIdentity identity, Path caFile, URI broker) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.caFile = Objects.requireNonNull(caFile, "caFile");
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** The broker's origin, e.g. {@code https://broker.example:8443}. */
    URI origin() {
        return URI.create(broker.getScheme() + "://" + broker.getRawAuthority());
    }

    /** A fresh page URL; throws {@link IOException} with the broker's reason if it refuses. */
    public URI fetch() throws IOException, InterruptedException {
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder()
                .sslContext(CaTrust.context(caFile, new IdentityKeyManager(identity)))
                .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build()) {
            response = client.send(HttpRequest.newBuilder(origin().resolve("/api/v1/kiosk-page-tokens"))
                    .timeout(TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != 200) {
            String detail;
            try {
                Problem problem = json.decode(response.body(), Problem.class);
                detail = problem.title() + ": " + problem.detail();
            } catch (MalformedMessageException e) {
                detail = "status " + response.statusCode();
            }
            throw new IOException("the broker refused a kiosk page token: " + detail);
        }
        try {
            KioskPageToken token = json.decode(response.body(), KioskPageToken.class);
            return origin().resolve(token.path());
        } catch (MalformedMessageException e) {
            throw new IOException("the broker's answer is unusable: " + e.getMessage(), e);
        }
    }
}

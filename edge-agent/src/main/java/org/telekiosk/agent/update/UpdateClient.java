package org.telekiosk.agent.update;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;

/**
 * The agent's side of the update endpoints (protocol/README.md, "Agent updates"): over HTTPS with mutual TLS, the
 * kiosk's certificate presented and the broker checked against the kiosk's CA file. Blocking.
 */
public final class UpdateClient implements UpdateChannel {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A download may take this long (20 MB over a slow rural link). */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(30);

    /** What the broker answered to "anything newer?". */
    public sealed interface Answer {
        record Offered(AgentUpdateOffer offer) implements Answer {}

        /** Nothing newer, or not now (the kiosk is in a consultation). */
        record Nothing(boolean notNow) implements Answer {}
    }

    private final ClientIdentity identity;
    private final Path caFile;
    private final URI origin;
    private final WireCodec json = WireCodec.json(16 * 1024);

    /** @param broker any URL of the broker's HTTPS endpoint (the agent's {@code renewal.url}) */
    public UpdateClient(ClientIdentity identity, Path caFile, URI broker) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.caFile = Objects.requireNonNull(caFile, "caFile");
        this.origin = URI.create(broker.getScheme() + "://" + broker.getRawAuthority());
    }

    @Override
    public Answer offer(DebianVersion running, String architecture) throws IOException, InterruptedException {
        URI uri = origin.resolve("/api/v1/agent-update?version=" + URLEncoder.encode(running.value(),
                StandardCharsets.UTF_8) + "&arch=" + URLEncoder.encode(architecture, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try (HttpClient client = client()) {
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() == 204) {
            return new Answer.Nothing(response.headers().firstValue("Retry-After").isPresent());
        }
        if (response.statusCode() != 200) {
            throw new IOException("the broker answered " + response.statusCode() + ": " + cut(response.body()));
        }
        try {
            return new Answer.Offered(json.decode(response.body(), AgentUpdateOffer.class));
        } catch (MalformedMessageException e) {
            throw new IOException("the broker's offer is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Downloads the offered package: at most {@code offer.size() + 1} bytes are read, so a longer answer is noticed
     * without reading it all; a shorter one is returned as it is (the check refuses it as truncated).
     */
    @Override
    public byte[] download(AgentUpdateOffer offer) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try (HttpClient client = client()) {
            response = client.send(HttpRequest.newBuilder(origin.resolve(offer.path())).timeout(DOWNLOAD_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("the broker answered " + response.statusCode() + " for " + offer.path());
                }
                try {
                    return body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, offer.size() + 1));
                } catch (IOException e) {
                    throw new IOException("the download of " + offer.path() + " broke off: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void report(AgentUpdateReport report) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try (HttpClient client = client()) {
            response = client.send(HttpRequest.newBuilder(origin.resolve("/api/v1/agent-update/report"))
                    .timeout(TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.encodeToString(report))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != 204) {
            throw new IOException("the broker answered " + response.statusCode() + ": " + cut(response.body()));
        }
    }

    private HttpClient client() throws IOException {
        return HttpClient.newBuilder().sslContext(CaTrust.context(caFile, new IdentityKeyManager(identity)))
                .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static String cut(String body) {
        String clean = body.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}

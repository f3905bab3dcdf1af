package org.telekiosk.agent.update;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.telekiosk.agent.uplink.BrokerHttps;
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
    /** Connecting, and each read of an answer (a download may take long over a rural link, but never stalls this long). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The largest answer read other than a package. */
    private static final int MAX_ANSWER = 16 * 1024;

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
        BrokerHttps.Response response = https().get(uri, MAX_ANSWER + 1);
        if (response.status() == 204) {
            return new Answer.Nothing(response.header("Retry-After").isPresent());
        }
        if (response.status() != 200) {
            throw new IOException("the broker answered " + response.status() + ": " + cut(response.text()));
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
        BrokerHttps.Response response;
        try {
            response = https().get(origin.resolve(offer.path()), offer.size() + 1);
        } catch (IOException e) {
            throw new IOException("the download of " + offer.path() + " failed: " + e.getMessage(), e);
        }
        if (response.status() != 200) {
            throw new IOException("the broker answered " + response.status() + " for " + offer.path());
        }
        return response.body();
    }

    @Override
    public void report(AgentUpdateReport report) throws IOException, InterruptedException {
        BrokerHttps.Response response = https().post(origin.resolve("/api/v1/agent-update/report"),
                Map.of("Content-Type", "application/json"), json.encode(report), MAX_ANSWER);
        if (response.status() != 204) {
            throw new IOException("the broker answered " + response.status() + ": " + cut(response.text()));
        }
    }

    /** A fresh TLS context each time: the kiosk's certificate may have been renewed since the last request. */
    private BrokerHttps https() throws IOException {
        return new BrokerHttps(CaTrust.context(caFile, new IdentityKeyManager(identity)), TIMEOUT);
    }

    private static String cut(String body) {
        String clean = body.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}

package org.telekiosk.broker.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.update.AgentUpdates;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;

/**
 * The kiosk-facing agent update endpoints of {@code protocol/README.md} ("Agent updates"), over mutual TLS with the
 * kiosk's current certificate ({@link ApiRequest#peerCertificate()}), adapting requests to {@link AgentUpdates}:
 * <ul>
 *   <li>{@code GET /api/v1/agent-update?version=&arch=}: 200 with an {@code AgentUpdateOffer}, or 204 (nothing newer;
 *       or the kiosk is in a consultation, then with {@code Retry-After});</li>
 *   <li>{@code GET /api/v1/agent-update/packages/<file>.deb}: the package ({@code application/vnd.debian.binary-package});</li>
 *   <li>{@code POST /api/v1/agent-update/report}: an {@link AgentUpdateReport}; 204.</li>
 * </ul>
 * As the other kiosk-facing endpoints ({@link EnrollmentEndpoints}), refusals are problems with the service's title
 * and detail and no {@code code}, their status from {@link Problems}. Like every API request these run on the API's
 * executor, never on an event loop: a package (about 20 MB) is read whole there for its answer, and the API's request
 * slots bound how many are in flight.
 */
final class AgentUpdateEndpoints {
    /** How long a kiosk in a consultation waits before asking again. */
    static final int RETRY_AFTER_SECONDS = 600;
    static final String PACKAGE_TYPE = "application/vnd.debian.binary-package";
    private static final Logger LOG = LoggerFactory.getLogger(AgentUpdateEndpoints.class);

    private final AgentUpdates updates;
    private final WireCodec json = WireCodec.json(4 * 1024);

    AgentUpdateEndpoints(AgentUpdates updates) {
        this.updates = updates;
    }

    ApiResponse offer(ApiRequest r) {
        DebianVersion running;
        try {
            running = DebianVersion.of(r.parameter("version").orElse(""));
        } catch (IllegalArgumentException e) {
            return malformed("version must be the running agent's Debian version: " + e.getMessage());
        }
        String arch = r.parameter("arch").orElse("");
        if (!arch.matches("[a-z0-9-]{1,32}")) {
            return malformed("arch must be the kiosk's dpkg architecture, e.g. arm64");
        }
        return switch (updates.offer(r.peerCertificate().orElse(null), running, arch, AuditActor.client(r.from()))) {
            case AgentUpdates.Answer.Offer offer -> new ApiResponse(200, ApiResponse.JSON,
                    json.encodeToString(offer.available().offer()).getBytes(StandardCharsets.UTF_8), Map.of());
            case AgentUpdates.Answer.Nothing nothing -> ApiResponse.noContent(Map.of());
            case AgentUpdates.Answer.NotNow notNow ->
                    ApiResponse.noContent(Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
            case AgentUpdates.Answer.NotAllowed no -> problem(no.refused());
        };
    }

    ApiResponse download(ApiRequest r, String name) {
        return switch (updates.download(r.peerCertificate().orElse(null), name, AuditActor.client(r.from()))) {
            case AgentUpdates.Answer.Offer offer -> {
                try {
                    yield new ApiResponse(200, PACKAGE_TYPE, Files.readAllBytes(offer.available().file()), Map.of());
                } catch (IOException e) {
                    LOG.warn("Cannot read agent package {}: {}", name, e.toString());
                    yield noSuchPackage();
                }
            }
            case AgentUpdates.Answer.NotAllowed no -> problem(no.refused());
            case AgentUpdates.Answer.Nothing nothing -> noSuchPackage();
            case AgentUpdates.Answer.NotNow notNow -> noSuchPackage();
        };
    }

    ApiResponse report(ApiRequest r) {
        AgentUpdateReport report;
        try {
            report = json.decode(new String(r.body(), StandardCharsets.UTF_8), AgentUpdateReport.class);
        } catch (MalformedMessageException e) {
            return malformed("the body must be an AgentUpdateReport as in protocol/README.md: " + e.getMessage());
        }
        return updates.report(r.peerCertificate().orElse(null), report, AuditActor.client(r.from()))
                .map(AgentUpdateEndpoints::problem).orElseGet(() -> ApiResponse.noContent(Map.of()));
    }

    private static ApiResponse noSuchPackage() {
        return Problems.of(new Refusal.KioskCredential(Refusal.Kind.NOT_FOUND, "Not Found", "no such agent package"));
    }

    private static ApiResponse malformed(String detail) {
        return Problems.of(new Refusal.KioskCredential(Refusal.Kind.INVALID, "Malformed request", detail));
    }

    private static ApiResponse problem(Refused refused) {
        return Problems.of(refused.refusal());
    }
}

package org.telekiosk.agent.enrollment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.BrokerHttps;
import org.telekiosk.agent.uplink.CaTrust;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.uplink.IdentityKeyManager;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentResponse;
import org.telekiosk.protocol.enrollment.RenewalRequest;
import org.telekiosk.protocol.enrollment.UpdateKeyField;
import org.telekiosk.protocol.update.UpdateKey;
import org.telekiosk.agent.update.UpdateFiles;

/**
 * Renews the kiosk's certificate over mutual TLS (its current certificate authenticates, no token) once two thirds
 * of its lifetime have passed, by the injected clock: a new key made here, a CSR, the new chain. The new key and
 * certificate replace the files atomically, key first; the uplink's {@link IdentityKeyManager} picks them up for the
 * next connection (the current one carries on: nothing in flight is lost). A certificate that already expired cannot
 * renew: the agent logs, once, that the kiosk must be enrolled again.
 */
public final class CertificateRenewer {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What a check found or did. */
    public sealed interface Outcome {
        /** Not yet due; due at {@code dueAt}. */
        record NotDue(Instant dueAt) implements Outcome {}

        /** Renewed; the new certificate is valid until {@code notAfter}. */
        record Renewed(Instant notAfter) implements Outcome {}

        /** The certificate expired: only a new enrollment helps. */
        record Expired(String message) implements Outcome {}

        /** Renewal failed this time (network, broker refusal); retried at the next check. */
        record Failed(String message) implements Outcome {}
    }

    private final KioskId kiosk;
    private final ClientIdentity identity;
    private final Path caFile;
    private final URI renewUrl;
    private final Clock clock;
    private final SecureRandom random;
    private final WireCodec json = WireCodec.json(64 * 1024);
    private volatile boolean expiryReported;

    public CertificateRenewer(KioskId kiosk, ClientIdentity identity, Path caFile, URI renewUrl, Clock clock,
            SecureRandom random) {
        this.kiosk = Objects.requireNonNull(kiosk, "kiosk");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.caFile = Objects.requireNonNull(caFile, "caFile");
        this.renewUrl = Objects.requireNonNull(renewUrl, "renewUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** When a certificate is due for renewal: two thirds into its lifetime. */
    public static Instant dueAt(X509Certificate cert) {
        Instant from = cert.getNotBefore().toInstant();
        Duration lifetime = Duration.between(from, cert.getNotAfter().toInstant());
        return from.plus(lifetime.multipliedBy(2).dividedBy(3));
    }

    /** Checks every {@code period} on {@code scheduler} (first at once), renewing when due. */
    public void schedule(ScheduledExecutorService scheduler, Duration period) {
        scheduler.scheduleWithFixedDelay(this::checkQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Certificate renewal check failed: {}", e.toString());
        }
    }

    /** Renews if due; blocking (files, HTTPS). */
    public Outcome check() {
        X509Certificate current;
        try {
            current = KioskKeys.readCertificates(identity.certificateFile()).getFirst();
        } catch (IOException e) {
            return new Outcome.Failed("cannot read " + identity.certificateFile() + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        if (!now.isBefore(current.getNotAfter().toInstant())) {
            String message = "the kiosk's certificate expired at " + current.getNotAfter().toInstant() + " and cannot "
                    + "be renewed: ask the technician for an enrollment token and run 'edge-agent enroll' again";
            if (!expiryReported) {
                expiryReported = true;
                LOG.error("Kiosk {}: {}", kiosk, message);
            }
            return new Outcome.Expired(message);
        }
        Instant due = dueAt(current);
        if (now.isBefore(due)) {
            return new Outcome.NotDue(due);
        }
        return renew();
    }

    private Outcome renew() {
        KeyPair keys = KioskKeys.newKeyPair(random);
        BrokerHttps.Response response;
        try {
            response = new BrokerHttps(CaTrust.context(caFile, new IdentityKeyManager(identity)), TIMEOUT)
                    .post(renewUrl, Map.of("Content-Type", "application/json",
                                    UpdateKeyField.HEADER, UpdateKeyField.FEATURE),
                            json.encode(new RenewalRequest(KioskKeys.csr(keys, kiosk))), json.maxBytes() + 1);
        } catch (IOException e) {
            LOG.warn("Kiosk {}: renewing the certificate failed, retrying later: {}", kiosk, e.toString());
            return new Outcome.Failed(e.toString());
        }
        if (response.status() != 200) {
            String detail;
            try {
                Problem problem = json.decode(response.body(), Problem.class);
                detail = problem.title() + ": " + problem.detail();
            } catch (MalformedMessageException e) {
                detail = "status " + response.status();
            }
            LOG.warn("Kiosk {}: the broker refused to renew the certificate: {}", kiosk, detail);
            return new Outcome.Failed(detail);
        }
        try {
            UpdateKeyField.Split split = UpdateKeyField.split(response.text());
            EnrollmentResponse issued = json.decode(split.message(), EnrollmentResponse.class);
            List<X509Certificate> chain = KioskKeys.parseCertificates(issued.certificateChain());
            if (chain.isEmpty() || !chain.getFirst().getPublicKey().equals(keys.getPublic())) {
                return new Outcome.Failed("the broker's certificate does not certify the new key");
            }
            // Key first: the key manager only switches once certificate and key belong together.
            KioskKeys.writeSecret(identity.keyFile(), KioskKeys.pemKey(keys.getPrivate()));
            KioskKeys.writeSecret(identity.certificateFile(), issued.certificateChain());
            LOG.info("Kiosk {}: renewed the certificate, now valid until {}", kiosk, issued.notAfter());
            pinUpdateKey(split.key());
            return new Outcome.Renewed(issued.notAfter());
        } catch (MalformedMessageException | IOException e) {
            return new Outcome.Failed("the broker's answer is unusable: " + e.getMessage());
        }
    }

    /**
     * A kiosk enrolled before agent updates existed pins the update key from its first renewal (the answer comes
     * over mutual TLS from the broker its CA file vouches for). A pinned key is never replaced: a new signing key
     * means enrolling the kiosk again.
     */
    private void pinUpdateKey(java.util.Optional<UpdateKey> offered) throws IOException {
        if (offered.isEmpty()) {
            return;
        }
        Path dir = identity.certificateFile().toAbsolutePath().getParent();
        java.util.Optional<UpdateKey> pinned = UpdateFiles.readKey(dir);
        if (pinned.isEmpty()) {
            UpdateFiles.writeKey(dir, offered.get());
            LOG.info("Kiosk {}: pinned the agent update key {}", kiosk, offered.get().fingerprint());
        } else if (!pinned.get().equals(offered.get())) {
            LOG.warn("Kiosk {}: the broker now names the update key {}, but {} is pinned; updates signed with the new "
                    + "key are refused until the kiosk is enrolled again", kiosk, offered.get().fingerprint(),
                    pinned.get().fingerprint());
        }
    }

    /** Whether the agent's files exist; a kiosk configured with a password has none. */
    public static boolean applies(ClientIdentity identity) {
        return identity != null && Files.exists(identity.certificateFile());
    }
}

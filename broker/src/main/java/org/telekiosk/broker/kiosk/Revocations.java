package org.telekiosk.broker.kiosk;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.pki.IssuingCa;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.protocol.KioskId;

/**
 * Makes revocations take effect: publishes the CRL (RFC 5280 §5, signed by the issuing CA, valid for
 * {@value #CRL_VALIDITY_DAYS} days, re-signed daily) as {@code pki/crl.pem} for external MQTT brokers and for
 * {@code GET /pki/crl}, and drops the MQTT connections, sessions and retained store acknowledgements of revoked
 * kiosks. {@link #watch} polls the registry's version in the database, so that a revocation made on another broker
 * node or with the command line takes effect here within the poll period (2 s by default, well inside the 10 s
 * promised). Every node publishes the CRL of the same registry state under the same CRL number.
 */
public final class Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    static final int CRL_VALIDITY_DAYS = 7;

    private final KioskRegistry registry;
    private final IssuingCa ca;
    private final Path crlFile;
    private final Clock clock;
    private final Consumer<KioskId> disconnect;
    private volatile byte[] crlDer = new byte[0];
    private volatile Instant publishedAt = Instant.MIN;
    /**
     * The revoked kiosks whose connection and session this node has already dropped (guarded by {@code this}): each
     * revoked kiosk once per node and start, not at every change of the registry (with thousands of revoked kiosks
     * over the years, each registry change would otherwise ask the MQTT broker about every one of them again).
     */
    private final Set<String> dropped = new HashSet<>();

    /**
     * @param disconnect drops a revoked kiosk's MQTT connection and removes its MQTT session and retained downlink
     *                   messages (a no-op if it has none); called once for each kiosk revoked (at the first publish
     *                   for every revoked kiosk in the registry, afterwards for those revoked since), and again if
     *                   a kiosk enrolled again is revoked again; must be idempotent and must not block long
     */
    public Revocations(KioskRegistry registry, IssuingCa ca, Path crlFile, Clock clock, Consumer<KioskId> disconnect) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.crlFile = Objects.requireNonNull(crlFile, "crlFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.disconnect = Objects.requireNonNull(disconnect, "disconnect");
    }

    /** Writes the CRL of the registry's current state and drops revoked kiosks' connections. Blocking (disk). */
    public synchronized void publish() {
        KioskRegistry.State state = registry.state();
        Instant now = clock.instant();
        Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
        state.revokedSerials().stream().filter(r -> r.notAfter().isAfter(now))
                .forEach(r -> revoked.put(new BigInteger(r.serial(), 16), r.at()));
        X509CRL crl = ca.crl(revoked, state.crlNumber(), now, Duration.ofDays(CRL_VALIDITY_DAYS));
        try {
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(crl);
            }
            SecureFiles.writePublic(crlFile, pem.toString().getBytes(StandardCharsets.US_ASCII));
            crlDer = crl.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CRL " + crlFile, e);
        } catch (CRLException e) {
            throw new IllegalStateException("cannot encode the CRL", e);
        }
        publishedAt = now;
        Set<String> revokedNow = new HashSet<>();
        for (KioskRecord kiosk : state.kiosks()) {
            if (kiosk.revoked()) {
                revokedNow.add(kiosk.id());
                if (!dropped.contains(kiosk.id())) {
                    disconnect.accept(KioskId.of(kiosk.id()));
                    dropped.add(kiosk.id());
                }
            }
        }
        dropped.retainAll(revokedNow); // enrolled again: should it be revoked again, it is dropped again
        LOG.info("Published the CRL #{} with {} certificate(s) to {}", state.crlNumber(), revoked.size(), crlFile);
    }

    /** The current CRL, DER (for {@code GET /pki/crl}, {@code application/pkix-crl}, RFC 5280 §4.2.1.13). */
    public byte[] crlDer() {
        return crlDer.clone();
    }

    /** Polls the registry every {@code period}; publishes when it changed or the CRL is a day old. */
    public void watch(ScheduledExecutorService scheduler, Duration period) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                boolean changed = registry.refresh();
                if (changed || clock.instant().isAfter(publishedAt.plus(Duration.ofDays(1)))) {
                    publish();
                }
            } catch (RuntimeException e) {
                LOG.warn("Checking the kiosk registry for revocations failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}

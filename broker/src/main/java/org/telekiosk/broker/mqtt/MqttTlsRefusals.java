package org.telekiosk.broker.mqtt;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Counts the embedded HiveMQ's failed TLS connections on the MQTT listener, for
 * {@code telekiosk_tls_handshakes_refused_total{listener="mqtt",reason}}.
 *
 * <p>Why this way: HiveMQ CE's extension SDK tells of clients only from their CONNECT packet on
 * ({@code ClientLifecycleEventListener}); a connection whose TLS handshake fails never gets there, and its pipeline
 * is HiveMQ's own. What HiveMQ does for such a connection (2025.5, {@code SslExceptionHandler}) is close it through
 * its disconnector, which writes one line to its event log, the logger {@value #EVENT_LOGGER}, at DEBUG:
 * {@code "Client ID: {}, IP: {} was disconnected. reason: {}."} with the reason
 * {@code "SSL handshake failed for <listener> on port: <port>"} (a missing or refused client certificate, no common
 * protocol or cipher suite, the handshake timeout) or {@code "SSL message transmission failed for <listener> on port:
 * <port>"} (any other TLS error, above all data that is not TLS at all: plain MQTT to the TLS port, a scanner), or
 * {@code "TLS handshake not finished in time for <listener> on port: <port>"} (HiveMQ's idle timer of the handshake,
 * {@code NoTlsHandshakeIdleHandler}: nothing read for the handshake timeout; Netty's own timer of the same length
 * ends up as "SSL handshake failed", whichever fires first).
 * A logback turbo filter sees that call before the level is checked, so it counts without switching HiveMQ's event
 * log on, and it changes nothing: it always answers NEUTRAL. It is consulted for every logging call of the process
 * and costs a string comparison of the logger's name for those. It counts only reasons that name this broker's port.
 *
 * <p>Limits: HiveMQ tells no finer reason (a plain-text client and a TLS record broken later look the same); a HiveMQ
 * version that words its reasons differently counts nothing here ({@code MetricsScrapeTest}, which refuses a plain
 * and a certificate-less connection, fails first).
 */
public final class MqttTlsRefusals extends TurboFilter {
    static final String EVENT_LOGGER = "event.client-disconnected";
    private static final Logger LOG = LoggerFactory.getLogger(MqttTlsRefusals.class);

    /** Why a TLS connection to the MQTT listener failed, as far as HiveMQ tells. */
    public enum Reason {
        /** The handshake failed: a missing or refused client certificate, no common version or suite, the timeout. */
        HANDSHAKE("handshake", "SSL handshake failed for "),
        /**
         * Any other TLS error of the connection, above all data that is not TLS at all (plain MQTT to the TLS port, a
         * scanner: Netty's {@code NotSslRecordException}, which reaches HiveMQ wrapped and is logged so).
         */
        NOT_TLS("not-tls", "SSL message transmission failed for "),
        /**
         * The handshake did not finish within HiveMQ's {@code handshake-timeout} ({@code mqtt.tls-handshake-timeout},
         * 30 s by default): the client sent nothing for that long, or (the case seen with thousands of kiosks
         * connecting on a loaded machine, docs/benchmarks.md) the broker was too busy with other handshakes to answer
         * in time.
         */
        TIMEOUT("timeout", "TLS handshake not finished in time for ");

        private final String code;
        private final String prefix;

        Reason(String code, String prefix) {
            this.code = code;
            this.prefix = prefix;
        }

        public String code() {
            return code;
        }
    }

    private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);
    private final Optional<LoggerContext> context;
    private final String portSuffix;

    private MqttTlsRefusals(Optional<LoggerContext> context, int port) {
        this.context = context;
        this.portSuffix = " on port: " + port;
        for (Reason reason : Reason.values()) {
            counts.put(reason, new LongAdder());
        }
        setName("telekiosk-mqtt-tls-refusals");
    }

    /**
     * Starts counting. Without logback as the logging backend nothing can be counted: said once in the log, and
     * the counts stay 0.
     */
    static MqttTlsRefusals install(int port) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
            LOG.warn("MQTT TLS handshake failures are not counted: the logging backend is not logback");
            return new MqttTlsRefusals(Optional.empty(), port);
        }
        MqttTlsRefusals refusals = new MqttTlsRefusals(Optional.of(logback), port);
        refusals.start();
        logback.addTurboFilter(refusals);
        return refusals;
    }

    /** Counts nothing: a node without an MQTT listener of its own ({@link ExternalMqttBroker}). */
    static MqttTlsRefusals none() {
        return new MqttTlsRefusals(Optional.empty(), 0);
    }

    /** Stops counting (the broker stops). */
    void uninstall() {
        context.ifPresent(c -> c.getTurboFilterList().remove(this));
        stop();
    }

    /** Failed TLS connections to the MQTT listener for {@code reason} since start. */
    public long count(Reason reason) {
        return counts.get(reason).sum();
    }

    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
            Object[] params, Throwable t) {
        if (logger != null && EVENT_LOGGER.equals(logger.getName()) && params != null && params.length == 3
                && params[2] instanceof String reason && reason.endsWith(portSuffix)) {
            for (Reason r : Reason.values()) {
                if (reason.startsWith(r.prefix)) {
                    counts.get(r).increment();
                }
            }
        }
        return FilterReply.NEUTRAL;
    }
}

package org.telekiosk.broker.config;

import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * {@code https.tls-provider} and {@code mqtt.tls-provider}: which TLS implementation the HTTPS listener's and the
 * embedded MQTT listener's handshakes and records run on. The TLS configuration is the same with either (TlsPolicy's
 * protocols and cipher suites; on HTTPS the kiosk client certificate asked for but optional, on MQTT required; checked
 * by the same trust as before).
 */
public enum TlsProvider {
    /**
     * The default: BoringSSL where netty-tcnative loads (linux-x86_64, the broker's package), else JSSE with a warning
     * that names why. On an idle 2-vCPU machine BoringSSL's full handshake costs the listener 0.35 ms of CPU against
     * JSSE's 0.93-1.0 ms (docs/benchmarks.md, issue 16): a reconnect storm after a node restart is over sooner.
     */
    AUTO("auto"),
    /** The JDK's own TLS (JSSE). */
    JDK("jdk"),
    /**
     * BoringSSL through netty-tcnative ({@code netty-tcnative-boringssl-static}, linux-x86_64 in the broker's package):
     * cheaper full handshakes (docs/benchmarks.md, issue 16). BoringSSL has no server-side renegotiation at all.
     */
    OPENSSL("openssl");

    private final String key;

    TlsProvider(String key) {
        this.key = key;
    }

    /** The value of {@code https.tls-provider}: {@code auto}, {@code jdk} or {@code openssl}. */
    public static TlsProvider parse(String value) {
        return parse("https.tls-provider", value);
    }

    /** The value of the key {@code key}: {@code auto}, {@code jdk} or {@code openssl}. */
    public static TlsProvider parse(String key, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (TlsProvider provider : values()) {
            if (provider.key.equals(v)) {
                return provider;
            }
        }
        throw new IllegalArgumentException(key + " must be auto, jdk or openssl, was '" + value + "'");
    }

    public String key() {
        return key;
    }

    /**
     * The provider this setting comes to on this machine: {@code auto} is BoringSSL when netty-tcnative loads and JSSE
     * otherwise (with a warning naming {@code setting}, {@code listener} and the cause); {@code openssl} that cannot
     * load is refused. One rule for both listeners ({@code https.tls-provider}, {@code mqtt.tls-provider}).
     *
     * @param setting the configuration key, for the messages ({@code https.tls-provider})
     * @param listener what runs on the JDK's TLS instead, for the warning ({@code the HTTPS listener})
     * @throws SSLException when this is {@link #OPENSSL} and netty-tcnative cannot be loaded
     */
    public TlsProvider resolve(String setting, String listener, boolean openSslAvailable, Throwable unavailability)
            throws SSLException {
        return switch (this) {
            case JDK -> JDK;
            case OPENSSL -> {
                if (!openSslAvailable) {
                    throw new SSLException(setting + "=openssl, but netty-tcnative (BoringSSL) cannot be loaded on "
                            + "this machine: " + unavailability, unavailability);
                }
                yield OPENSSL;
            }
            case AUTO -> {
                if (openSslAvailable) {
                    yield OPENSSL;
                }
                org.slf4j.LoggerFactory.getLogger(TlsProvider.class).warn("{}=auto: netty-tcnative (BoringSSL) cannot "
                        + "be loaded on this machine ({}); {} uses the JDK's TLS, whose full handshakes cost about 2.7 "
                        + "times the CPU (the HTTPS listener's, measured)", setting, String.valueOf(unavailability),
                        listener);
                yield JDK;
            }
        };
    }
}

package org.telekiosk.broker.config;

import java.util.Locale;

/**
 * {@code https.transport}: which of Netty's transports the HTTPS listener's event loops (the {@code https-accept} and
 * {@code https-io} threads) run on. The pipeline, TLS and every limit are the same with either; only how the loops wait
 * for and move bytes differs. The embedded MQTT broker's listener is HiveMQ's and always NIO.
 */
public enum NettyTransport {
    /**
     * The default: Netty's native epoll transport where it loads (Linux on x86-64, the broker's package carries its
     * library), NIO elsewhere (another architecture, a developer's Mac), said in the log either way.
     */
    AUTO("auto"),
    /** The JDK's selector (Java NIO): every platform. */
    NIO("nio"),
    /**
     * Netty's native epoll transport ({@code netty-transport-native-epoll}, linux-x86_64 in the broker's package): fewer
     * system calls and allocations a read and write than NIO (docs/benchmarks.md, issue 16). The broker does not start
     * when it is named but cannot be loaded.
     */
    EPOLL("epoll");

    private final String key;

    NettyTransport(String key) {
        this.key = key;
    }

    /**
     * The value of {@code setting}: {@code auto}, {@code nio} or {@code epoll}.
     *
     * @throws IllegalArgumentException naming {@code setting} for anything else
     */
    public static NettyTransport parse(String setting, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (NettyTransport transport : values()) {
            if (transport.key.equals(v)) {
                return transport;
            }
        }
        throw new IllegalArgumentException(setting + " must be auto, nio or epoll, was '"
                + org.telekiosk.protocol.Untrusted.printable(value == null ? "" : value, 40) + "'");
    }

    /** The value as written in the configuration. */
    public String key() {
        return key;
    }
}

package org.telekiosk.broker.metrics;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.telekiosk.broker.config.MetricsConfig;

/** The broker's meters and, when {@code metrics.bind} is set, the listener that serves them. */
public final class MetricsEndpoint implements AutoCloseable {
    private final BrokerMetrics metrics;
    private final Optional<MetricsServer> server;

    private MetricsEndpoint(BrokerMetrics metrics, Optional<MetricsServer> server) {
        this.metrics = metrics;
        this.server = server;
    }

    /** Registers the meters over {@code sources} and starts the listener {@code config} asks for. */
    public static MetricsEndpoint start(MetricsConfig config, BrokerMetrics.Sources sources) throws IOException {
        BrokerMetrics metrics = new BrokerMetrics(sources);
        if (config.bind().isEmpty()) {
            return new MetricsEndpoint(metrics, Optional.empty());
        }
        try {
            return new MetricsEndpoint(metrics, Optional.of(MetricsServer.start(config.bind().get(), config.port(),
                    metrics)));
        } catch (IOException e) {
            metrics.close();
            throw new IOException("cannot listen for metrics on " + config.bind().get() + ":" + config.port()
                    + " (metrics.bind, metrics.port): " + e.getMessage(), e);
        }
    }

    /** Where Prometheus scrapes, if a listener runs. */
    public Optional<URI> url() {
        return server.map(s -> {
            String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
            return URI.create("http://" + host + ":" + s.port() + "/metrics");
        });
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        server.ifPresent(MetricsServer::close);
        metrics.close();
    }
}

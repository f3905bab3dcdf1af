package org.telekiosk.broker.config;

import java.util.Optional;

/**
 * Where {@code GET /metrics} listens (docs/operations.md).
 *
 * @param bind {@code metrics.bind}: the address of the metrics listener; empty means no listener
 * @param port {@code metrics.port}: 0..65535, 0 for any free port
 */
public record MetricsConfig(Optional<String> bind, int port) {
    public MetricsConfig {
        bind = bind.map(String::strip).filter(b -> !b.isEmpty());
        if (bind.isPresent() && !bind.get().matches("[A-Za-z0-9.:-]{1,253}")) {
            throw new IllegalArgumentException("metrics.bind must be an address or host name (127.0.0.1, ::1, ...), was '"
                    + bind.get() + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics.port must be 0..65535, was " + port);
        }
    }
}

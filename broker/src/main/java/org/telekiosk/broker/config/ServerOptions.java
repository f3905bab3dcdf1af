package org.telekiosk.broker.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by every command that starts a broker. */
public final class ServerOptions {
    @Option(names = "--config", description = "a properties file with configuration keys")
    Path config;

    @Option(names = "--port", description = "HTTPS port (https.port)")
    Integer port;

    @Option(names = "--mqtt-port", description = "MQTT over TLS port (mqtt.port); 0 for a free one")
    Integer mqttPort;

    @Option(names = "--metrics-port", description = "Prometheus metrics port (metrics.port); 0 for a free one")
    Integer metricsPort;

    @Option(names = "--data-dir", description = "where the broker keeps its data (data.dir)")
    Path dataDir;

    @Option(names = "--bind", description = "address to listen on (https.bind and mqtt.bind)")
    String bind;

    /** The configuration with these options over {@code base} (defaults of the command). */
    public BrokerConfig load(Map<String, String> base) throws java.io.IOException {
        Map<String, String> overrides = new LinkedHashMap<>(base);
        if (port != null) {
            overrides.put("https.port", port.toString());
        }
        if (mqttPort != null) {
            overrides.put("mqtt.port", mqttPort.toString());
        }
        if (metricsPort != null) {
            overrides.put("metrics.port", metricsPort.toString());
        }
        if (dataDir != null) {
            overrides.put("data.dir", dataDir.toString());
        }
        if (bind != null) {
            overrides.put("https.bind", bind);
            overrides.put("mqtt.bind", bind);
        }
        return BrokerConfigLoader.load(Optional.ofNullable(config), overrides);
    }
}

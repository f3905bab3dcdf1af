package org.telekiosk.agent.uplink;

import java.net.URI;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.internal.NetworkModule;
import org.eclipse.paho.mqttv5.client.spi.NetworkModuleFactory;

/**
 * Paho's service-provider hook (found through {@code META-INF/services}) that makes {@link TlsNetworkModule} the
 * network module for URIs of the scheme {@value #SCHEME}, which only {@link PahoSession} uses; {@code ssl://} stays
 * Paho's. Not for direct use.
 */
public final class TlsNetworkModuleFactory implements NetworkModuleFactory {
    /** The URI scheme {@link PahoSession} hands to Paho for {@code ssl://host:port}. */
    static final String SCHEME = "telekiosk-tls";

    @Override
    public Set<String> getSupportedUriSchemes() {
        return Set.of(SCHEME);
    }

    @Override
    public void validateURI(URI brokerUri) {
        if (brokerUri.getHost() == null || brokerUri.getPort() < 1) {
            throw new IllegalArgumentException("expected " + SCHEME + "://host:port, was " + brokerUri);
        }
    }

    @Override
    public NetworkModule createNetworkModule(URI brokerUri, MqttConnectionOptions options, String clientId) {
        if (!(options.getSocketFactory() instanceof SSLSocketFactory tls)) {
            throw new IllegalArgumentException(SCHEME + " needs an SSLSocketFactory in the connection options");
        }
        return new TlsNetworkModule(tls, brokerUri.getHost(), brokerUri.getPort(),
                Math.max(1, options.getConnectionTimeout()) * 1_000);
    }

    /** The URI to give Paho for {@code serverUri} ({@code ssl://host:port}). */
    static String pahoUri(URI serverUri) {
        return SCHEME + "://" + serverUri.getRawAuthority();
    }
}

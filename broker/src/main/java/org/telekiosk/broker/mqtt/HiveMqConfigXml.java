package org.telekiosk.broker.mqtt;

import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.pki.TlsPolicy;

/**
 * The embedded HiveMQ's {@code config.xml}, written by {@link EmbeddedMqttBroker} at each start: the mutual-TLS
 * listener with the node's key and trust stores, the TLS policy and the handshake timeout, queue and receive limits,
 * retained messages on, the packet limit, file persistence.
 *
 * <p>HiveMQ reads this file with JAXB and silently ignores an element it does not know (a misspelt one included),
 * so each element here is checked against HiveMQ CE's {@code config.xsd} of the version in use (2025.5): {@code
 * <handshake-timeout>} is a child of the listener's {@code <tls>}, in milliseconds (its default 10000).
 * {@code MqttHandshakeTimeoutTest} checks that HiveMQ acts on it.
 *
 * <p>{@code <restrictions><no-connect-idle-timeout>} (HiveMQ's default 10 s) is how long HiveMQ waits for the CONNECT
 * once the TLS handshake has finished: its TLS listener starts that timer only then. It follows {@code
 * mqtt.tls-handshake-timeout} too, so a kiosk on a slow link whose handshake just finished is given as long for its
 * CONNECT as for the handshake (the agent's {@code mqtt.connect-timeout} covers both), instead of being dropped after
 * 10 s once the broker did the costly part; only a client with a certificate of ours gets that far
 * ({@code MqttConnectIdleTimeoutTest}).
 */
final class HiveMqConfigXml {
    private HiveMqConfigXml() {}

    static String of(BrokerConfig config, int port, ListenerKeyStores stores) {
        String pw = xml(stores.password());
        StringBuilder protocols = new StringBuilder();
        TlsPolicy.PROTOCOLS.forEach(p -> protocols.append("          <protocol>").append(p).append("</protocol>\n"));
        StringBuilder ciphers = new StringBuilder();
        TlsPolicy.CIPHERS.forEach(c -> ciphers.append("          <cipher-suite>").append(c).append("</cipher-suite>\n"));
        return """
                <?xml version="1.0"?>
                <!-- Written by the Telekiosk broker at each start; edits are overwritten. -->
                <hivemq>
                  <listeners>
                    <tls-tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                      <name>telekiosk-mqtts</name>
                      <tls>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                        <protocols>
                %s        </protocols>
                        <cipher-suites>
                %s        </cipher-suites>
                        <handshake-timeout>%d</handshake-timeout>
                        <client-authentication-mode>REQUIRED</client-authentication-mode>
                        <truststore>
                          <path>%s</path>
                          <password>%s</password>
                        </truststore>
                      </tls>
                    </tls-tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages>
                      <max-queue-size>%d</max-queue-size>
                      <strategy>discard</strategy>
                    </queued-messages>
                    <session-expiry><max-interval>4294967295</max-interval></session-expiry>
                    <message-expiry><max-interval>4294967296</max-interval></message-expiry>
                    <receive-maximum>
                      <server-receive-maximum>%d</server-receive-maximum>
                    </receive-maximum>
                    <retained-messages><enabled>true</enabled></retained-messages>
                    <packets><max-packet-size>%d</max-packet-size></packets>
                  </mqtt>
                  <restrictions>
                    <max-client-id-length>64</max-client-id-length>
                    <no-connect-idle-timeout>%d</no-connect-idle-timeout>
                  </restrictions>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                  <persistence><mode>file</mode></persistence>
                </hivemq>
                """.formatted(port, xml(config.mqttBindAddress()), xml(stores.keyStore().toAbsolutePath().toString()),
                pw, pw, protocols, ciphers, config.mqttHandshakeTimeout().toMillis(),
                xml(stores.trustStore().toAbsolutePath().toString()), pw,
                config.mqttMaxQueuedMessages(), config.mqttReceiveMaximum(),
                MqttPacketLimit.forPayload(config.mqttMaxPayloadBytes()), config.mqttHandshakeTimeout().toMillis());
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

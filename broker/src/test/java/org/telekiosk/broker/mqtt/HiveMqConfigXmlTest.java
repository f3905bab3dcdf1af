package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.w3c.dom.Document;

/**
 * The embedded HiveMQ's {@code config.xml} carries the TLS handshake timeout where HiveMQ CE 2025.5's
 * {@code config.xsd} has it (a child of the listener's {@code <tls>}, in milliseconds): HiveMQ ignores an element
 * anywhere else without a word.
 */
class HiveMqConfigXmlTest {
    @TempDir
    Path data;

    @Test
    void theListenersTlsWaitsThirtySecondsForAHandshakeByDefaultTheAgentsConnectTimeout() throws Exception {
        assertEquals("30000", handshakeTimeout(Map.of()));
    }

    @Test
    void theHandshakeTimeoutFollowsTheConfigurationInMilliseconds() throws Exception {
        assertEquals("45500", handshakeTimeout(Map.of("mqtt.tls-handshake-timeout", "PT45.5S")));
    }

    @Test
    void hiveMqWaitsForTheConnectAfterTheHandshakeAsLongAsForTheHandshake() throws Exception {
        assertEquals("45500", xml(Map.of("mqtt.tls-handshake-timeout", "PT45.5S"))
                .evaluate("/hivemq/restrictions/no-connect-idle-timeout"));
    }

    private String handshakeTimeout(Map<String, String> overrides) throws Exception {
        Xml xml = xml(overrides);
        assertEquals("1", xml.evaluate("count(//handshake-timeout)"), "one handshake-timeout element");
        return xml.evaluate("/hivemq/listeners/tls-tcp-listener/tls/handshake-timeout");
    }

    private record Xml(Document document) {
        String evaluate(String path) throws Exception {
            return XPathFactory.newInstance().newXPath().evaluate(path, document);
        }
    }

    private Xml xml(Map<String, String> overrides) throws Exception {
        java.util.Map<String, String> keys = new java.util.HashMap<>(overrides);
        keys.put("data.dir", data.toString());
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), keys);
        String xml = HiveMqConfigXml.of(config, 8883,
                new ListenerKeyStores(data.resolve("key.p12"), data.resolve("trust.p12"), "secret"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        return new Xml(factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
    }
}

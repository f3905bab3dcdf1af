package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.pki.ServerIdentity;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * With {@code https.allowed-origins} empty, every host name the served certificate is valid for is an allowed
 * origin, the machine's own name (which the broker adds to its certificate) included; a name it does not cover is not.
 * On the shared broker (its configuration is the default, which is what this class checks; nothing here is counted).
 */
class DefaultOriginsTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    @Test
    void everyHostNameOfTheServerCertificateMayOpenTheSignalingSocketAndNoOtherMay() throws Exception {
        List<String> names = new ServerIdentity(BROKER.broker().pki().serverKey(),
                BROKER.broker().pki().serverChain()).hostNames();
        String own = java.net.InetAddress.getLocalHost().getHostName();
        assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names.toString());
        assertTrue(names.contains(own) || !own.matches("[A-Za-z0-9.-]{1,253}"), "the machine's name " + own
                + " is in the certificate: " + names);
        for (String name : names) {
            String host = name.contains(":") ? "[" + name + "]" : name;
            WebSocket socket = open("https://" + host + ":" + BROKER.broker().httpsPort());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
        CompletionException refused = assertThrows(CompletionException.class,
                () -> open("https://not-in-the-certificate.example:" + BROKER.broker().httpsPort()));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException handshake
                && handshake.getResponse().statusCode() == 403, String.valueOf(refused.getCause()));
    }

    private static WebSocket open(String origin) {
        return HttpClient.newBuilder().sslContext(BROKER.tls()).build().newWebSocketBuilder()
                .header("Origin", origin)
                .buildAsync(URI.create("wss://localhost:" + BROKER.broker().httpsPort() + "/ws/signal"),
                        new WebSocket.Listener() {
                        })
                .join();
    }
}

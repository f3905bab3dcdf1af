package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * The HTTPS and MQTT listeners of a real broker, spoken to byte by byte over TLS: what an attacker would send and a
 * well-behaved client never does.
 */
class HttpHardeningIntegrationTest {
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    SSLSocket https(String... protocols) throws Exception {
        SSLSocket socket = (SSLSocket) BROKER.tls().getSocketFactory().createSocket("localhost",
                BROKER.broker().httpsPort());
        socket.setSoTimeout(15_000);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return socket;
    }

    /** Sends {@code request} and reads until the server closes or 15 s pass; returns what arrived. */
    static String exchange(SSLSocket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return readUntilClosed(socket.getInputStream());
    }

    static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            out.writeBytes("\n<still open>".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    String host() {
        return "Host: localhost:" + BROKER.broker().httpsPort() + "\r\n";
    }

    @Test
    void aRequestWithBothContentLengthAndTransferEncodingIsRefusedWith400AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = https()) {
            String answer = exchange(socket, "POST /api/v1/login HTTP/1.1\r\n" + host()
                    + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /healthz HTTP/1.1\r\n" + host() + "\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertEquals(1, answer.split("HTTP/1.1 ").length - 1, "only one answer, then close: " + answer);
            assertTrue(!answer.endsWith("<still open>"), answer);
        }
    }

    String upgrade(String versionHeaders) {
        return upgrade("/ws/viewer", versionHeaders);
    }

    String upgrade(String path, String versionHeaders) {
        return "GET " + path + " HTTP/1.1\r\n" + host() + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Origin: " + BROKER.origin() + "\r\n" + versionHeaders + "\r\n";
    }

    @Test
    void onlyWebSocketVersion13IsAccepted() throws Exception {
        String rfc6455 = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        for (String refused : new String[] {
                "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n", // Hixie-76
                "", // Hixie-75
                rfc6455 + "Sec-WebSocket-Version: 7\r\n",
                rfc6455 + "Sec-WebSocket-Version: 8\r\n"}) {
            try (SSLSocket socket = https()) {
                // Hixie-76 sends 8 bytes of key after the headers.
                String answer = exchange(socket, upgrade(refused) + (refused.contains("Key1") ? "Tm[K T2u" : ""));
                assertTrue(answer.startsWith("HTTP/1.1 426 "), refused + " -> " + answer);
                assertTrue(answer.toLowerCase(Locale.ROOT).contains("sec-websocket-version: 13"), answer);
            }
        }
        try (SSLSocket socket = https()) {
            socket.getOutputStream().write(upgrade(rfc6455 + "Sec-WebSocket-Version: 13\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] head = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 101", new String(head, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * A frame that breaks RFC 6455 at the header (found by the Autobahn run, cases 7.3.2 and 7.3.6) is answered with
     * a close frame 1002, on both sockets. Netty's decoder writes that close frame itself; it must pass the frame
     * encoder, or the peer sees only the protocol handler's "1000 Bye" and believes all was well.
     */
    @Test
    void aCloseFrameThatBreaksTheProtocolIsAnsweredWith1002OnBothSockets() throws Exception {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] onePayloadByte = {(byte) 0x88, (byte) 0x81, mask[0], mask[1], mask[2], mask[3], (byte) (0x03 ^ 0x11)};
        byte[] tooLongControl = new byte[8 + 126];
        tooLongControl[0] = (byte) 0x88;
        tooLongControl[1] = (byte) 0xFE; // masked, 16-bit length follows
        tooLongControl[2] = 0;
        tooLongControl[3] = 126;
        System.arraycopy(mask, 0, tooLongControl, 4, 4);
        for (String path : new String[] {"/ws/viewer", "/ws/signal"}) {
            for (byte[] frame : new byte[][] {onePayloadByte, tooLongControl}) {
                try (SSLSocket socket = https()) {
                    socket.getOutputStream().write(upgrade(path, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    InputStream in = socket.getInputStream();
                    String head = readHead(in);
                    assertTrue(head.startsWith("HTTP/1.1 101"), head);
                    socket.getOutputStream().write(frame);
                    socket.getOutputStream().flush();
                    byte[] answer = in.readNBytes(4);
                    assertEquals(4, answer.length, path + ": no close frame before the connection closed");
                    assertEquals(0x88, answer[0] & 0xFF, path + ": a close frame");
                    assertEquals(1002, ((answer[2] & 0xFF) << 8) | (answer[3] & 0xFF),
                            path + ": close status for frame of " + frame.length + " bytes");
                }
            }
        }
    }

    /** The response head up to its blank line, nothing after it. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyAnswerCarriesHstsIncludingNettysOwn400OnAWebSocketPath() throws Exception {
        try (SSLSocket socket = https()) {
            String answer = exchange(socket, "GET /healthz HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
            assertTrue(answer.contains("Strict-Transport-Security: max-age=31536000"), answer);
        }
        try (SSLSocket socket = https()) {
            // Version 13 without a key: Netty's handshaker refuses it with its own 400.
            String answer = exchange(socket, upgrade("Sec-WebSocket-Version: 13\r\n"));
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            for (String header : new String[] {"Strict-Transport-Security:", "X-Content-Type-Options: nosniff",
                    "X-Frame-Options: DENY", "Content-Security-Policy:", "Referrer-Policy: no-referrer"}) {
                assertTrue(answer.contains(header), header + " in " + answer);
            }
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefusedOnHttps() throws Exception {
        try (SSLSocket socket = https("TLSv1.2")) {
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            socket.startHandshake();
            assertThrows(IOException.class, () -> {
                String answer = exchange(socket, "GET /healthz HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
                if (answer.startsWith("HTTP/1.1 200")) {
                    throw new AssertionError("renegotiated and answered: " + answer.lines().findFirst().orElse(""));
                }
                throw new IOException("no answer: " + answer);
            });
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefusedOnMqttWithAClientCertificate() throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("renegotiating-kiosk"));
        SSLContext tls = kiosk.tls();
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost",
                BROKER.broker().mqttPort())) {
            socket.setSoTimeout(15_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            socket.startHandshake();
            // A CONNECT after the renegotiation attempt: answered with CONNACK only if the renegotiation went through.
            byte[] id = kiosk.id().value().getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            connect.writeBytes(new byte[] {0x10, (byte) (13 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0,
                    0, (byte) id.length});
            connect.writeBytes(id);
            int first;
            try {
                socket.getOutputStream().write(connect.toByteArray());
                socket.getOutputStream().flush();
                first = socket.getInputStream().read();
            } catch (IOException refused) {
                first = -1;
            }
            assertEquals(-1, first, "the connection ended instead of answering CONNECT (0x20 is CONNACK)");
        }
        // The listener still serves this kiosk normally.
        MqttClient client = kiosk.connect(BROKER);
        client.disconnect();
        client.close();
    }
}

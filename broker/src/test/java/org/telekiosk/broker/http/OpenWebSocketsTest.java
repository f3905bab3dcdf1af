package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.signaling.CloseCodes;

/**
 * A stopping broker tells its open sockets 1001 (protocol/README.md), on the listener's real WebSocket pipeline:
 * sockets open before the stop, and a socket whose handshake completes while the broker stops (the official CI saw
 * "1000 Bye" from the protocol handler for one: its 101 had reached the client, but the pipeline heard of the
 * handshake only after the group had been walked).
 */
class OpenWebSocketsTest {
    static final int MAX = 512;
    static final String UPGRADE = "GET /ws/viewer HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    final OpenWebSockets open = new OpenWebSockets();

    EmbeddedChannel socket() {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(MAX),
                BrokerInitializer.webSocketHandler("/ws/viewer", MAX), open, new ErrorTail());
    }

    @Test
    void anOpenSocketIsToldGoingAway() {
        EmbeddedChannel ch = socket();
        ch.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        assertTrue(upgradeResponse(ch).startsWith("HTTP/1.1 101"));
        assertEquals(1, open.size());

        open.goingAway(Duration.ofSeconds(2));

        assertEquals(CloseCodes.GOING_AWAY, closeCode(ch));
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }

    @Test
    void aSocketWhoseHandshakeCompletesDuringTheStopIsToldGoingAwayToo() {
        EmbeddedChannel ch = socket();
        open.goingAway(Duration.ofSeconds(2));

        ch.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));

        assertTrue(upgradeResponse(ch).startsWith("HTTP/1.1 101"));
        assertEquals(CloseCodes.GOING_AWAY, closeCode(ch));
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }

    /** The 101 response, read from the wire up to its blank line (what follows stays for {@link #closeCode}). */
    private static String upgradeResponse(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        String response = out.toString(StandardCharsets.US_ASCII);
        out.release();
        return response;
    }

    private static int closeCode(EmbeddedChannel ch) {
        EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, MAX));
        for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
            browser.writeInbound(out);
        }
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, browser.readInbound());
        int code = close.statusCode();
        close.release();
        assertNull(browser.readInbound(), "one close frame");
        browser.finishAndReleaseAll();
        return code;
    }
}

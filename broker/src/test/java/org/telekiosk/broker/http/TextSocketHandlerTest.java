package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.signaling.CloseCodes;

/**
 * The shared socket handling on the listener's real WebSocket pipeline (codec, upgrade, protocol handler, the error
 * tail): what the browser sees on the wire when the broker fails while handling a message.
 */
class TextSocketHandlerTest {
    static final int MAX = 512;

    /** A socket whose message handling fails as a bug of ours would. */
    static final class FailingSocket extends TextSocketHandler {
        FailingSocket() {
            super(BrokerInitializer.decoderConfig(MAX), "Test");
        }

        @Override
        void opened(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {}

        @Override
        void text(ChannelHandlerContext ctx, String text) {
            throw new IllegalStateException("a bug while handling " + text);
        }
    }

    @Test
    void anIdleConnectionsTimeoutIsLeftToTheErrorTailWithoutAWebSocketClose() {
        // Before, the socket handlers (in every HTTPS pipeline) took it for their own failure: a WARN "Viewer socket
        // failed: ReadTimeoutException; closed with 1011" and a close frame written to a plain HTTP connection.
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(MAX),
                BrokerInitializer.webSocketHandler("/ws/viewer", MAX), new FailingSocket(), new ErrorTail());
        ch.pipeline().fireExceptionCaught(io.netty.handler.timeout.ReadTimeoutException.INSTANCE);
        ch.runPendingTasks();
        // What may still go out is the protocol handler's own "1000 Bye" on close (as for any close), never a 1011.
        for (Object written = ch.readOutbound(); written != null; written = ch.readOutbound()) {
            if (written instanceof CloseWebSocketFrame close) {
                assertTrue(close.statusCode() != CloseCodes.INTERNAL_ERROR, "a 1011 close for an idle connection");
                close.release();
            }
        }
        assertTrue(!ch.isActive(), "the error tail closes it");
    }

    @Test
    void anInternalErrorWhileHandlingAMessageClosesWith1011AsDocumented() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(MAX),
                BrokerInitializer.webSocketHandler("/ws/viewer", MAX), new FailingSocket(), new ErrorTail());
        ch.writeInbound(Unpooled.copiedBuffer("GET /ws/viewer HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", StandardCharsets.US_ASCII));
        String upgrade = wire(ch).toString(StandardCharsets.US_ASCII);
        assertTrue(upgrade.startsWith("HTTP/1.1 101"), upgrade);

        ch.writeInbound(ViewerSocketHandlerTest.fromBrowser(new TextWebSocketFrame("{\"type\":\"hello\"}")));

        EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, MAX));
        browser.writeInbound(wire(ch));
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, browser.readInbound());
        assertEquals(CloseCodes.INTERNAL_ERROR, close.statusCode());
        close.release();
        assertFalse(ch.isActive());
        browser.finishAndReleaseAll();
        ch.finishAndReleaseAll();
    }

    private static ByteBuf wire(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
            ByteBuf b = (ByteBuf) out;
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}

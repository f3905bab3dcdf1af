package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.util.Optional;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.api.SessionCookie;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * Turns a connection into a signaling socket when its upgrade request is for {@value BrokerInitializer#SIGNAL_PATH}:
 * swaps the viewer's WebSocket handler, aggregator and socket handler for the signaling ones (with their own frame
 * limit), and takes the {@code tk_session} cookie from the handshake. Other requests pass untouched.
 */
final class SignalRoute extends ChannelInboundHandlerAdapter {
    /** The login session cookie set by {@code POST /api/v1/session}. */
    static final String SESSION_COOKIE = SessionCookie.NAME;

    private final SignalEndpoint endpoint;
    private final WireCodec json;

    SignalRoute(SignalEndpoint endpoint, WireCodec json) {
        this.endpoint = endpoint;
        this.json = json;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request
                && BrokerInitializer.SIGNAL_PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            var pipeline = ctx.pipeline();
            // The viewer's protocol handler added its handshake handler under the class name; the signaling one
            // adds another under the same name, so the viewer's must go first.
            for (String name : pipeline.names()) {
                if (name.endsWith(".WebSocketServerProtocolHandshakeHandler")) {
                    pipeline.remove(name);
                }
            }
            pipeline.replace("websocket", "websocket",
                    BrokerInitializer.webSocketHandler(BrokerInitializer.SIGNAL_PATH, endpoint.maxFrameBytes()));
            pipeline.replace("frames", "frames", new WebSocketFrameAggregator(endpoint.maxFrameBytes()));
            pipeline.replace("viewer", "signal", new SignalSocketHandler(endpoint.service(), json,
                    BrokerInitializer.decoderConfig(endpoint.maxFrameBytes()), sessionCookie(request),
                    endpoint.executor(), endpoint.maxPending()));
            pipeline.remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    static Optional<OpaqueToken> sessionCookie(FullHttpRequest request) {
        return sessionCookie(request.headers());
    }

    /** The {@code tk_session} cookie among {@code headers}, if there is a well-formed one. */
    static Optional<OpaqueToken> sessionCookie(io.netty.handler.codec.http.HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        return SessionCookie.value(headers.get(HttpHeaderNames.COOKIE)).flatMap(OpaqueToken::parse);
    }
}

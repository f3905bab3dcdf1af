package org.telekiosk.broker.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.signaling.Connection;
import org.telekiosk.broker.signaling.Peer;
import org.telekiosk.broker.signaling.SignalingService;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * One signaling WebSocket after the handshake: decodes text frames into {@link SignalRequest}s and hands them, in
 * order, to the {@link SignalingService} off the event loop; encodes what the service sends. Closes with 1003 for a
 * binary frame, 1007 for a malformed message (after an {@code error} that says why), 1009 for one over the frame
 * limit, 1002 for an invalid close frame, 4401 when no {@code hello} arrives in time, and 4429 when messages arrive
 * faster than they can be handled. Only this socket is affected.
 */
final class SignalSocketHandler extends TextSocketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SignalSocketHandler.class);
    /** How long a socket may stay open without a successful {@code hello}. */
    static final long HELLO_TIMEOUT_SECONDS = 15;

    private final SignalingService service;
    private final WireCodec json;
    private final Optional<OpaqueToken> cookieSession;
    private final SerialExecutor serial;
    private final int maxPending;
    private Connection connection;

    SignalSocketHandler(SignalingService service, WireCodec json, WebSocketDecoderConfig decoderConfig,
            Optional<OpaqueToken> cookieSession, Executor executor, int maxPending) {
        super(decoderConfig, "Signaling");
        this.service = service;
        this.json = json;
        this.cookieSession = cookieSession;
        this.serial = new SerialExecutor(executor);
        this.maxPending = maxPending;
    }

    @Override
    void opened(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        Channel channel = ctx.channel();
        connection = service.connect(new NettyPeer(channel, json, cookieSession));
        ctx.executor().schedule(() -> {
            if (channel.isActive() && !connection.isAuthenticated()) {
                serial.execute(() -> connection.timedOut());
            }
        }, HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("[{}] Signaling socket open", channel.id().asShortText());
    }

    @Override
    void text(ChannelHandlerContext ctx, String text) {
        if (connection == null) {
            return;
        }
        SignalRequest request;
        try {
            request = json.decode(text, SignalRequest.class);
        } catch (MalformedMessageException e) {
            LOG.info("[{}] Malformed signaling message ({}): {}", ctx.channel().id().asShortText(),
                    e.reason().code(), e.getMessage());
            ctx.write(new TextWebSocketFrame(json.encodeToString(new SignalEvent.Error(e.reason().code(),
                    e.getMessage().length() > 300 ? e.getMessage().substring(0, 300) : e.getMessage()))));
            close(ctx, e.reason() == MalformedMessageException.Reason.TOO_LARGE ? CloseCodes.MESSAGE_TOO_BIG
                    : CloseCodes.INVALID_PAYLOAD, e.reason().code());
            return;
        }
        if (serial.pending() >= maxPending) {
            // The service cannot keep up with this socket: refuse here rather than queue without bound.
            LOG.info("[{}] Signaling socket floods faster than it is served; closing", ctx.channel().id().asShortText());
            ctx.write(new TextWebSocketFrame(json.encodeToString(new SignalEvent.Error(
                    SignalError.RATE_LIMITED.code(), "too many messages"))));
            close(ctx, CloseCodes.TOO_MANY, SignalError.RATE_LIMITED.code());
            return;
        }
        Connection target = connection;
        serial.execute(() -> target.receive(request));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            Connection closed = connection;
            serial.execute(closed::closed);
            LOG.info("[{}] Signaling socket closed", ctx.channel().id().asShortText());
        }
        super.channelInactive(ctx);
    }

    /** The service's view of this channel. */
    private record NettyPeer(Channel channel, WireCodec json, Optional<OpaqueToken> cookieSession) implements Peer {
        @Override
        public String id() {
            return channel.id().asShortText();
        }

        @Override
        public ClientAddress address() {
            return channel.remoteAddress() instanceof java.net.InetSocketAddress inet
                    ? ClientAddress.of(inet.getAddress()) : new ClientAddress("local");
        }

        @Override
        public void send(SignalEvent event) {
            if (channel.isActive()) {
                channel.writeAndFlush(new TextWebSocketFrame(json.encodeToString(event)), channel.voidPromise());
            }
        }

        @Override
        public void close(int code, String reason) {
            if (channel.isActive()) {
                channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public String toString() {
            return "NettyPeer[" + id() + "]";
        }
    }
}

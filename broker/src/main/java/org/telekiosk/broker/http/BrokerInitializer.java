package org.telekiosk.broker.http;

import org.telekiosk.broker.config.HttpLimits;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * Builds the pipeline of every connection, in one place:
 * connections per address → TLS → idle timeout → request deadline (start) → HTTP codec (refusing conflicting
 * framing) → security headers on every response → framing refusal → request aggregation → request deadline (stop) →
 * one request at a time ({@link InOrderResponses}) → refusals for load paused ({@link RefusalPause}) → WebSocket version
 * 13 only → Origin checks → signaling route →
 * WebSocket upgrade on {@value #VIEWER_PATH} (or {@value #SIGNAL_PATH}, swapped in by {@link SignalRoute}) → frame aggregation → the open sockets ({@link OpenWebSockets}, told 1001 at stop, 1012 at a drain) → REST API
 * ({@code /api/}, the kiosks' enrollment and agent updates included; {@link ApiHandler}) → HTTP routes (pages, {@code /healthz}, the
 * CRL) / viewer or signaling socket → error tail.
 */
public final class BrokerInitializer extends ChannelInitializer<SocketChannel> {
    /** Where the doctor's call view opens the vitals WebSocket (a {@code hello} with a credential first). */
    public static final String VIEWER_PATH = "/ws/viewer";
    /** Where browsers open the signaling WebSocket. */
    public static final String SIGNAL_PATH = "/ws/signal";
    static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int HANDSHAKE_IDLE_SECONDS = 30;

    private final SslContext ssl;
    private final TlsHandshakeRefusals tlsRefusals = new TlsHandshakeRefusals();
    private final HttpRouter router;
    private final OriginGuard originGuard;
    private final ErrorTail errorTail = new ErrorTail();
    private final ConnectionsPerAddress connectionsPerAddress;
    private final HttpLimits limits;
    private final SecurityHeaders securityHeaders = new SecurityHeaders();
    private final WebSocketVersionGuard webSocketVersion = new WebSocketVersionGuard();
    private final OpenWebSockets openSockets = new OpenWebSockets();
    private final ViewerHub hub;
    private final VitalsAccess vitals;
    private final java.util.concurrent.Executor vitalsExecutor;
    private final WireCodec json;
    private final int maxFrameBytes;
    private final ApiHandler api;
    private final OriginGuard signalOriginGuard;
    private final SignalEndpoint signal;
    private final WireCodec signalJson;

    public BrokerInitializer(SslContext ssl, StaticContent content, HealthCheck health, ViewerHub hub,
            List<String> allowedOrigins, int maxFrameBytes, java.util.function.Supplier<byte[]> crl, ApiHandler api,
            SignalEndpoint signal, VitalsAccess vitals) {
        this(ssl, content, health, hub, allowedOrigins, maxFrameBytes, crl, api, signal, vitals, HttpLimits.DEFAULTS);
    }

    /** @param limits connections per address, the request deadline and the pipelining depth ({@code https.*}) */
    public BrokerInitializer(SslContext ssl, StaticContent content, HealthCheck health, ViewerHub hub,
            List<String> allowedOrigins, int maxFrameBytes, java.util.function.Supplier<byte[]> crl, ApiHandler api,
            SignalEndpoint signal, VitalsAccess vitals, HttpLimits limits) {
        this.ssl = ssl;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.connectionsPerAddress = new ConnectionsPerAddress(limits.connectionsPerAddress());
        this.api = api;
        this.router = new HttpRouter(content, health, crl);
        this.originGuard = new OriginGuard(VIEWER_PATH, allowedOrigins);
        this.hub = hub;
        this.vitals = vitals;
        this.vitalsExecutor = signal.executor();
        this.json = WireCodec.json(maxFrameBytes);
        this.maxFrameBytes = maxFrameBytes;
        this.signalOriginGuard = new OriginGuard(SIGNAL_PATH, allowedOrigins);
        this.signal = signal;
        this.signalJson = WireCodec.json(signal.maxFrameBytes());
    }

    /**
     * Tells every open vitals and signaling socket that the broker is going away (close 1001) and closes it; waits at
     * most {@code wait} for the frames. For the broker's stop, before the listener closes; never on an event loop.
     */
    public void goingAway(java.time.Duration wait) {
        openSockets.goingAway(wait);
    }

    /**
     * Tells every open vitals and signaling socket, and every one whose handshake completes from now on, to move to
     * another broker node (close 1012, {@code CloseCodes.SERVICE_RESTART}: the pages reconnect through the balancer
     * and resume) and closes it; waits at most {@code wait} for the frames and again for the closes. For a drain
     * (issue 17), after the listener stopped accepting; never on an event loop.
     */
    public void moveSockets(java.time.Duration wait) {
        openSockets.closeAll(org.telekiosk.protocol.signaling.CloseCodes.SERVICE_RESTART,
                "node draining; reconnect and resume", wait);
    }

    /** The failed TLS handshakes on this listener, by reason. */
    public TlsHandshakeRefusals tlsRefusals() {
        return tlsRefusals;
    }

    /** The WebSocket upgrade and protocol handler for {@code path}, frames limited to {@code maxFrameBytes}. */
    static WebSocketServerProtocolHandler webSocketHandler(String path, int maxFrameBytes) {
        return new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(false)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(decoderConfig(maxFrameBytes))
                .build());
    }

    /** Frames from browsers: masked, no extensions, at most {@code maxFrameBytes}, UTF-8 checked. */
    static WebSocketDecoderConfig decoderConfig(int maxFrameBytes) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .allowMaskMismatch(false)
                // The socket handlers answer a violation with the right close code (TextSocketHandler): Netty's own
                // answer would bypass the frame encoder from where its decoder sits.
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("per-address", connectionsPerAddress);
        p.addLast("tls", ssl.newHandler(ch.alloc()));
        p.addLast("tls-refusals", tlsRefusals);
        // Drops connections that send nothing while none of their requests is being answered; removed when the
        // WebSocket is up.
        p.addLast("idle", new IdleConnection(HANDSHAKE_IDLE_SECONDS));
        RequestDeadline deadline = new RequestDeadline(limits.requestDeadline());
        p.addLast(RequestDeadline.BYTES, deadline.bytes());
        StrictHttpServerCodec http = new StrictHttpServerCodec(4096, 8192, 8192);
        p.addLast("http-decoder", http.decoder());
        p.addLast("http-encoder", http.encoder());
        p.addLast("headers", securityHeaders);
        p.addLast("framing", new RequestFraming());
        p.addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        p.addLast(RequestDeadline.REQUESTS, deadline.requests());
        p.addLast("in-order", new InOrderResponses(limits.pipelinedRequests()));
        p.addLast("refusal-pause", new RefusalPause(limits.refusalPause()));
        p.addLast("websocket-version", webSocketVersion);
        p.addLast("origin", originGuard);
        p.addLast("signal-origin", signalOriginGuard);
        // On an upgrade to /ws/signal, swaps the viewer's socket handlers below for the signaling ones.
        p.addLast("signal-route", new SignalRoute(signal, signalJson));
        p.addLast("websocket", webSocketHandler(VIEWER_PATH, maxFrameBytes));
        p.addLast("frames", new WebSocketFrameAggregator(maxFrameBytes));
        p.addLast("open-sockets", openSockets);
        p.addLast("api", api);
        p.addLast("routes", router);
        p.addLast("viewer", new ViewerSocketHandler(hub, vitals, vitalsExecutor, json,
                decoderConfig(maxFrameBytes)));
        p.addLast("errors", errorTail);
    }
}

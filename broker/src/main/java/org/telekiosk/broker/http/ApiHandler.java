package org.telekiosk.broker.http;

import org.telekiosk.broker.config.HttpLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.api.ApiRequest;
import org.telekiosk.protocol.enrollment.UpdateKeyField;
import org.telekiosk.broker.api.ApiResponse;
import org.telekiosk.broker.api.RestApi;

/**
 * Adapts {@code /api/…} requests to the {@link RestApi}: copies the request out of Netty, runs the API on the given
 * executor (it blocks: database, Argon2id), and writes the answer back on the channel. At most
 * {@code maxConcurrent} requests are in progress; more are answered 503 with {@code Retry-After} at once. While a
 * request is in progress the channel stops reading, so that answers leave in the order the requests came. Logins
 * ({@code POST /api/v1/session}) have slots of their own ({@code api.max-logins-in-progress}, most of them waiting for an
 * Argon2id permit): a login storm never takes the slots other requests need, and a login beyond them is answered 503
 * with {@code Retry-After} at once. A refusal for load (503 {@code busy}, 429) keeps the connection open, as any
 * answer but malformed input (400, 413) and an unexpected error (500) does. The kiosks' enrollment, renewal, kiosk page tokens and agent updates are API
 * requests like the others (the client certificate of the handshake goes with the request). Other paths pass on to
 * the next handler.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The seconds a login refused for lack of a slot is told to wait. */
    static final String LOGIN_RETRY_AFTER_SECONDS = "5";

    private final RestApi api;
    private final BlockingSlots slots;
    private final BlockingSlots logins;

    /** With the default number of logins in progress ({@link HttpLimits#DEFAULTS}). */
    public ApiHandler(RestApi api, ExecutorService executor, int maxConcurrent) {
        this(api, executor, maxConcurrent, HttpLimits.DEFAULTS.loginsInProgress());
    }

    /**
     * @param maxConcurrent      {@code api.max-concurrent-requests}: requests other than logins in progress at once
     * @param loginsInProgress   {@code api.max-logins-in-progress}: logins hashing or waiting for a hashing permit at
     *                           once; more are answered 503 at once
     */
    public ApiHandler(RestApi api, ExecutorService executor, int maxConcurrent, int loginsInProgress) {
        super(false);
        this.api = api;
        this.slots = new BlockingSlots(executor, maxConcurrent);
        this.logins = new BlockingSlots(executor, loginsInProgress);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!RestApi.owns(path)) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.decoderResult().isFailure()) {
                Responses.send(ctx, null, Responses.problem(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
                return;
            }
            int maxBody = RestApi.maxBodyBytes(path);
            if (request.content().readableBytes() > maxBody) {
                Responses.send(ctx, null, Responses.problem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "the request body must be at most " + maxBody + " bytes"));
                return;
            }
            ApiRequest copied = copy(ctx, request, path);
            boolean login = RestApi.isLogin(copied);
            // Malformed input ends the connection (the client may be out of step), and so does an unexpected
            // error (500). Any other answer keeps it, a refusal for load (429, 503 busy) included: the request was
            // read whole, and closing would only make the client pay a new TLS handshake, which costs the broker
            // far more than the refusal (a login storm answered 503 and closed cost ~330 handshakes a second).
            if (!(login ? logins : slots).answer(ctx, () -> toNetty(api.handle(copied)), keepAlive,
                    status -> status != 400 && status != 413 && (status < 500 || status == 503))) {
                if (login) {
                    FullHttpResponse busy = Responses.problem(HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "too many logins at once; try again shortly");
                    busy.headers().set(HttpHeaderNames.RETRY_AFTER, LOGIN_RETRY_AFTER_SECONDS);
                    Responses.send(ctx, keepAlive, busy);
                } else {
                    BlockingSlots.busy(ctx, keepAlive);
                }
            }
        } finally {
            request.release();
        }
    }

    private static ApiRequest copy(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        var h = request.headers();
        var remote = ctx.channel().remoteAddress();
        ClientAddress from = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? ClientAddress.of(inet.getAddress()) : new ClientAddress("unknown");
        return new ApiRequest(request.method().name(), path, Optional.ofNullable(h.get(HttpHeaderNames.ORIGIN)),
                Optional.ofNullable(h.get(HttpHeaderNames.AUTHORIZATION)),
                Optional.ofNullable(h.get(HttpHeaderNames.COOKIE)),
                Optional.ofNullable(h.get(HttpHeaderNames.CONTENT_TYPE)), body, from,
                new QueryStringDecoder(request.uri()).parameters(), peerCertificate(ctx),
                Optional.ofNullable(h.get(UpdateKeyField.HEADER)));
    }

    /** The client certificate of the TLS handshake (a kiosk's on renewal and kiosk page tokens), if any. */
    private static Optional<X509Certificate> peerCertificate(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
        } catch (SSLPeerUnverifiedException none) {
            return Optional.empty();
        }
    }

    private static FullHttpResponse toNetty(ApiResponse answer) {
        FullHttpResponse response = Responses.of(HttpResponseStatus.valueOf(answer.status()), answer.contentType(),
                Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }
}

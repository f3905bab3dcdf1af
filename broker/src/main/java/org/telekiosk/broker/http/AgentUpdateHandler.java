package org.telekiosk.broker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.api.Problems;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.update.AgentUpdates;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;

/**
 * The kiosk-facing agent update endpoints (protocol/README.md, "Agent updates"), over mutual TLS with the kiosk's
 * certificate, adapting HTTP to {@link AgentUpdates}:
 * <ul>
 *   <li>{@code GET /api/v1/agent-update?version=&arch=}: 200 with an {@code AgentUpdateOffer}, or 204 (nothing newer;
 *       or the kiosk is in a consultation, then with {@code Retry-After});</li>
 *   <li>{@code GET /api/v1/agent-update/packages/<file>.deb}: the package ({@code application/vnd.debian.binary-package});</li>
 *   <li>{@code POST /api/v1/agent-update/report}: an {@link AgentUpdateReport}; 204.</li>
 * </ul>
 * Blocking work (registry, files) runs under the API's {@link BlockingSlots}. A package is read whole into memory
 * for its answer (an agent package is about 20 MB; the slots bound how many are in flight).
 */
@ChannelHandler.Sharable
final class AgentUpdateHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String OFFER = "/api/v1/agent-update";
    static final String PACKAGES = "/api/v1/agent-update/packages/";
    static final String REPORT = "/api/v1/agent-update/report";
    /** How long a kiosk in a consultation waits before asking again. */
    static final int RETRY_AFTER_SECONDS = 600;
    private static final Logger LOG = LoggerFactory.getLogger(AgentUpdateHandler.class);

    private final AgentUpdates updates;
    private final BlockingSlots slots;
    private final WireCodec json = WireCodec.json(4 * 1024);

    AgentUpdateHandler(AgentUpdates updates, BlockingSlots slots) {
        super(false);
        this.updates = updates;
        this.slots = slots;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.equals(OFFER) && !path.startsWith(PACKAGES) && !path.equals(REPORT)) {
            ctx.fireChannelRead(request);
            return;
        }
        HttpMethod expected = path.equals(REPORT) ? HttpMethod.POST : HttpMethod.GET;
        if (!expected.equals(request.method())) {
            FullHttpResponse response = Responses.problem(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    request.method() + " is not supported here");
            response.headers().set(HttpHeaderNames.ALLOW, expected.name());
            Responses.send(ctx, request, response);
            request.release();
            return;
        }
        X509Certificate presented = peerCertificate(ctx);
        AuditActor client = AuditActor.client(address(ctx));
        if (path.equals(OFFER)) {
            DebianVersion running;
            String arch = first(uri, "arch");
            try {
                running = DebianVersion.of(first(uri, "version"));
            } catch (IllegalArgumentException e) {
                badRequest(ctx, request, "version must be the running agent's Debian version: " + e.getMessage());
                return;
            }
            if (!arch.matches("[a-z0-9-]{1,32}")) {
                badRequest(ctx, request, "arch must be the kiosk's dpkg architecture, e.g. arm64");
                return;
            }
            answerLater(ctx, request, () -> switch (updates.offer(presented, running, arch, client)) {
                case AgentUpdates.Answer.Offer offer -> Responses.json(HttpResponseStatus.OK,
                        json.encodeToString(offer.available().offer()));
                case AgentUpdates.Answer.Nothing nothing -> noContent();
                case AgentUpdates.Answer.NotNow notNow -> {
                    FullHttpResponse response = noContent();
                    response.headers().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
                    yield response;
                }
                case AgentUpdates.Answer.NotAllowed no -> problem(no.refused());
            });
        } else if (path.startsWith(PACKAGES)) {
            String name = path.substring(PACKAGES.length());
            answerLater(ctx, request, () -> switch (updates.download(presented, name, client)) {
                case AgentUpdates.Answer.Offer offer -> {
                    try {
                        byte[] bytes = Files.readAllBytes(offer.available().file());
                        yield Responses.of(HttpResponseStatus.OK, "application/vnd.debian.binary-package",
                                Unpooled.wrappedBuffer(bytes));
                    } catch (IOException e) {
                        LOG.warn("Cannot read agent package {}: {}", name, e.toString());
                        yield Responses.problem(HttpResponseStatus.NOT_FOUND, "no such agent package");
                    }
                }
                case AgentUpdates.Answer.NotAllowed no -> problem(no.refused());
                default -> Responses.problem(HttpResponseStatus.NOT_FOUND, "no such agent package");
            });
        } else {
            AgentUpdateReport report;
            try {
                report = json.decode(request.content().toString(StandardCharsets.UTF_8), AgentUpdateReport.class);
            } catch (MalformedMessageException e) {
                badRequest(ctx, request, "the body must be an AgentUpdateReport as in protocol/README.md: "
                        + e.getMessage());
                return;
            }
            answerLater(ctx, request, () -> updates.report(presented, report, client)
                    .map(AgentUpdateHandler::problem).orElseGet(AgentUpdateHandler::noContent));
        }
    }

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.size() != 1 ? "" : values.getFirst();
    }

    private static FullHttpResponse noContent() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static FullHttpResponse problem(Refused refused) {
        return Responses.problem(HttpResponseStatus.valueOf(Problems.status(refused.refusal().kind())),
                refused.refusal().title(), refused.refusal().detail());
    }

    private static void badRequest(ChannelHandlerContext ctx, FullHttpRequest request, String detail) {
        Responses.send(ctx, request, Responses.problem(HttpResponseStatus.BAD_REQUEST, "Malformed request", detail));
        request.release();
    }

    private void answerLater(ChannelHandlerContext ctx, FullHttpRequest request, Supplier<FullHttpResponse> work) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ReferenceCountUtil.release(request);
        boolean started = slots.answer(ctx, () -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                LOG.warn("[{}] Agent update request failed: {}", ctx.channel().id().asShortText(), e.toString());
                LOG.debug("Details", e);
                return Responses.problem(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Agent update failed",
                        "the broker could not answer; the operator finds the reason in its log");
            }
        }, keepAlive, status -> status < 400);
        if (!started) {
            BlockingSlots.busy(ctx);
        }
    }

    private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    private static String address(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
    }
}

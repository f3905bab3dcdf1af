package org.telekiosk.broker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.enrollment.EnrollmentOutcome;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.Issued;
import org.telekiosk.broker.enrollment.Refused;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.enrollment.KioskPageToken;
import org.telekiosk.protocol.enrollment.RenewalRequest;

/**
 * The kiosk-facing PKI endpoints, adapting HTTP to {@link EnrollmentService}:
 * <ul>
 *   <li>{@code POST /api/v1/enroll}: JSON {@link EnrollmentRequest}; the token authenticates;</li>
 *   <li>{@code POST /api/v1/renew}: JSON {@link RenewalRequest} over mutual TLS with the kiosk's certificate;</li>
 *   <li>{@code POST /api/v1/kiosk-page-tokens}: over mutual TLS with the kiosk's certificate, a one-time
 *       {@link KioskPageToken} for the kiosk's page (when the broker has {@link KioskPageTokens});</li>
 *   <li>{@code GET /pki/crl}: the current CRL, DER ({@code application/pkix-crl}).</li>
 * </ul>
 * The service blocks (registry database, signing), so it runs under the REST API's concurrency cap and read pause
 * ({@link BlockingSlots}, 503 with {@code Retry-After} when every slot is taken); the answer is written from the
 * worker (Netty hands the write to the channel's event loop). Refusals are problem+json (RFC 9457). Anything else passes on.
 */
@ChannelHandler.Sharable
final class EnrollmentHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String ENROLL = "/api/v1/enroll";
    static final String RENEW = "/api/v1/renew";
    static final String CRL = "/pki/crl";
    static final String PAGE_TOKENS = "/api/v1/kiosk-page-tokens";
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentHandler.class);

    private final EnrollmentService service;
    private final Supplier<byte[]> crl;
    private final BlockingSlots slots;
    private final Optional<KioskPageTokens> pageTokens;
    private final WireCodec json = WireCodec.json(16 * 1024);

    EnrollmentHandler(EnrollmentService service, Supplier<byte[]> crl, BlockingSlots slots) {
        this(service, Optional.empty(), crl, slots);
    }

    EnrollmentHandler(EnrollmentService service, Optional<KioskPageTokens> pageTokens, Supplier<byte[]> crl,
            BlockingSlots slots) {
        super(false);
        this.service = service;
        this.pageTokens = pageTokens;
        this.crl = crl;
        this.slots = slots;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean ours = path.equals(ENROLL) || path.equals(RENEW) || path.equals(CRL)
                || (path.equals(PAGE_TOKENS) && pageTokens.isPresent());
        if (!ours) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            if (path.equals(CRL)) {
                if (!HttpMethod.GET.equals(request.method())) {
                    notAllowed(ctx, request, "GET");
                    return;
                }
                FullHttpResponse response = Responses.of(HttpResponseStatus.OK, "application/pkix-crl",
                        Unpooled.wrappedBuffer(crl.get()));
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=60");
                Responses.send(ctx, request, response);
                request.release();
                return;
            }
            if (!HttpMethod.POST.equals(request.method())) {
                notAllowed(ctx, request, "POST");
                return;
            }
            String body = request.content().toString(StandardCharsets.UTF_8);
            AuditActor client = AuditActor.client(address(ctx));
            if (path.equals(PAGE_TOKENS)) {
                X509Certificate presented = peerCertificate(ctx);
                KioskPageTokens tokens = pageTokens.orElseThrow();
                answerLater(ctx, request, () -> switch (tokens.issue(presented, client)) {
                    case KioskPageTokens.NotIssued no -> problem(no.refused());
                    case KioskPageTokens.IssuedToken issued -> Responses.json(HttpResponseStatus.OK,
                            json.encodeToString(new KioskPageToken(issued.kiosk().value(), issued.token().value(),
                                    issued.expiresAt(), KioskPageToken.pathFor(issued.token().value()))));
                });
            } else if (path.equals(ENROLL)) {
                EnrollmentRequest enroll = json.decode(body, EnrollmentRequest.class);
                answerLater(ctx, request, () -> response(service.enroll(enroll, client)));
            } else {
                RenewalRequest renew = json.decode(body, RenewalRequest.class);
                X509Certificate presented = peerCertificate(ctx);
                answerLater(ctx, request, () -> response(service.renew(presented, renew, client)));
            }
        } catch (MalformedMessageException e) {
            Responses.send(ctx, request, Responses.problem(HttpResponseStatus.BAD_REQUEST, "Malformed request",
                    "the body must be a JSON object as in protocol/README.md: " + e.getMessage()));
            request.release();
        }
    }

    private FullHttpResponse response(EnrollmentOutcome outcome) {
        return switch (outcome) {
            case Issued issued -> Responses.json(HttpResponseStatus.OK, json.encodeToString(issued.response()));
            case Refused refused -> problem(refused);
        };
    }

    private static FullHttpResponse problem(Refused refused) {
        return Responses.problem(HttpResponseStatus.valueOf(refused.status()), refused.title(), refused.detail());
    }

    private void answerLater(ChannelHandlerContext ctx, FullHttpRequest request, Supplier<FullHttpResponse> work) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ReferenceCountUtil.release(request);
        boolean started = slots.answer(ctx, () -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                LOG.warn("[{}] Enrollment failed: {}", ctx.channel().id().asShortText(), e.toString());
                LOG.debug("Details", e);
                return Responses.problem(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Enrollment failed",
                        "the broker could not complete the request; the technician finds the reason in its log");
            }
        }, keepAlive, status -> status < 400);
        if (!started) {
            BlockingSlots.busy(ctx);
        }
    }

    private static void notAllowed(ChannelHandlerContext ctx, FullHttpRequest request, String allowed) {
        FullHttpResponse response = Responses.problem(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " is not supported here");
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        Responses.send(ctx, request, response);
        request.release();
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

package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLHandshakeException;

/**
 * Counts the HTTPS listener's failed TLS handshakes by reason, for the metrics
 * ({@code telekiosk_tls_handshakes_refused_total{reason}}). One instance per listener, shared by its channels; it
 * only counts (on the event loop, a {@link LongAdder} increment) and passes every event on.
 */
@ChannelHandler.Sharable
public final class TlsHandshakeRefusals extends ChannelInboundHandlerAdapter {
    /** Why a handshake failed. */
    public enum Reason {
        /** The client spoke something other than TLS (plain HTTP to the HTTPS port, a scanner). */
        NOT_TLS("not-tls"),
        /** The handshake did not finish in time. */
        TIMEOUT("timeout"),
        /** A client certificate was refused. */
        CERTIFICATE("certificate"),
        /** No common protocol version or cipher suite, or another alert. */
        PROTOCOL("protocol"),
        /** The client went away during the handshake. */
        CLOSED("closed"),
        OTHER("other");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

    public TlsHandshakeRefusals() {
        for (Reason reason : Reason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    /** Handshakes that failed for {@code reason} since start. */
    public long count(Reason reason) {
        return counts.get(reason).sum();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            counts.get(reason(completion.cause())).increment();
        }
        super.userEventTriggered(ctx, event);
    }

    static Reason reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return Reason.NOT_TLS;
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return Reason.TIMEOUT;
            }
            if (t instanceof CertificateException) {
                return Reason.CERTIFICATE;
            }
            if (t instanceof ClosedChannelException) {
                return Reason.CLOSED;
            }
        }
        return cause instanceof SSLHandshakeException ? Reason.PROTOCOL : Reason.OTHER;
    }
}

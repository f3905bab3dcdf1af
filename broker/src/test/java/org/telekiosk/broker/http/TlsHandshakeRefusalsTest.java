package org.telekiosk.broker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Each failed handshake is counted once under its reason; successful ones are not counted and events pass on. */
class TlsHandshakeRefusalsTest {
    @Test
    void failuresAreCountedByReason() {
        TlsHandshakeRefusals refusals = new TlsHandshakeRefusals();
        EmbeddedChannel channel = new EmbeddedChannel(refusals);
        SSLHandshakeException badCertificate = new SSLHandshakeException("bad certificate");
        badCertificate.initCause(new CertificateException("not issued by the kiosk CA"));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new NotSslRecordException("GET /")));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SslHandshakeTimeoutException("10 s")));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(badCertificate));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SSLHandshakeException("no cipher suites in common")));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new ClosedChannelException()));
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(1, refusals.count(TlsHandshakeRefusals.Reason.NOT_TLS));
        assertEquals(1, refusals.count(TlsHandshakeRefusals.Reason.TIMEOUT));
        assertEquals(1, refusals.count(TlsHandshakeRefusals.Reason.CERTIFICATE));
        assertEquals(1, refusals.count(TlsHandshakeRefusals.Reason.PROTOCOL));
        assertEquals(1, refusals.count(TlsHandshakeRefusals.Reason.CLOSED));
        assertEquals(0, refusals.count(TlsHandshakeRefusals.Reason.OTHER));
        channel.finishAndReleaseAll();
    }
}

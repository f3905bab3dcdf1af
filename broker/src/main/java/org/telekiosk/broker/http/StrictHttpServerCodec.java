package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * Netty's {@code HttpServerCodec}, except that a request with both {@code Content-Length} and
 * {@code Transfer-Encoding} is marked as failed ({@link ConflictingFraming}) instead of being read as chunked: RFC 9112
 * §6.3 lets a server read it as chunked but requires it to close the connection afterwards, and such a request is
 * the tool of request smuggling through a proxy that reads it the other way. {@link RequestFraming} answers 400 and
 * closes. Responses to HEAD carry no body (RFC 9110 §9.3.2), as in Netty's codec.
 */
final class StrictHttpServerCodec {
    /** The decoder result of a request with both framing headers. */
    static final class ConflictingFraming extends IllegalArgumentException {
        ConflictingFraming() {
            super("both Content-Length and Transfer-Encoding");
        }
    }

    private final Queue<HttpMethod> methods = new ArrayDeque<>();
    private final HttpRequestDecoder decoder;
    private final HttpResponseEncoder encoder = new Encoder(methods);

    /**
     * A decoder and an encoder for one connection, added as two handlers (not one combined handler) so that Netty's
     * WebSocket handshaker finds and replaces them as it does {@code HttpServerCodec}'s.
     */
    StrictHttpServerCodec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        decoder = new Decoder(new HttpDecoderConfig().setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize).setMaxChunkSize(maxChunkSize), methods);
    }

    HttpRequestDecoder decoder() {
        return decoder;
    }

    HttpResponseEncoder encoder() {
        return encoder;
    }

    private static final class Decoder extends HttpRequestDecoder {
        private final Queue<HttpMethod> methods;

        Decoder(HttpDecoderConfig config, Queue<HttpMethod> methods) {
            super(config);
            this.methods = methods;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int before = out.size();
            super.decode(ctx, in, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            message.setDecoderResult(DecoderResult.failure(new ConflictingFraming()));
        }
    }

    private static final class Encoder extends HttpResponseEncoder {
        private final Queue<HttpMethod> methods;

        Encoder(Queue<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            HttpMethod method = msg.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                    ? null : methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}

package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every HTTPS connection: at most {@code https.max-connections-per-address} open connections per remote address; the next
 * one is closed before its TLS handshake costs anything. Counted per address as long as each connection is open.
 */
@ChannelHandler.Sharable
final class ConnectionsPerAddress extends ChannelInboundHandlerAdapter {
    /**
     * A browser opens up to 6 connections per origin plus its two WebSockets; 256 lets about 30 doctors and patients
     * share one NAT address, and stops a single host from holding thousands.
     */
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerAddress.class);

    private final int limit;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    ConnectionsPerAddress(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = address(ctx);
        int now = open.merge(address, 1, Integer::sum);
        if (now > limit) {
            refused.increment();
            if (Long.bitCount(refused.sum()) == 1) {
                LOG.info("Refused a connection from {}: {} open already (limit {}); {} refused since start", address,
                        now - 1, limit, refused.sum());
            }
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.computeIfPresent(address(ctx), (a, n) -> n <= 1 ? null : n - 1);
        ctx.fireChannelInactive();
    }

    /** Connections refused since start. */
    long refused() {
        return refused.sum();
    }

    private static InetAddress address(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}

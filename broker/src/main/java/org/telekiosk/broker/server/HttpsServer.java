package org.telekiosk.broker.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Binds the broker's HTTPS listener; the pipeline comes from the initializer it is given. */
public final class HttpsServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final EventLoops loops;

    private HttpsServer(EventLoops loops, EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.loops = loops;
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Binds {@code host:port} (0 for a free port) and returns once listening.
     *
     * @param loops           the transport ({@code https.transport}) the listener's event loops run on
     * @param maxPendingBytes per connection: above this many unsent bytes the channel reports itself unwritable
     */
    public static HttpsServer bind(EventLoops loops, String host, int port,
            ChannelInitializer<SocketChannel> initializer, int maxPendingBytes) throws InterruptedException {
        EventLoopGroup boss = loops.group(1, new DefaultThreadFactory("https-accept"));
        // One event loop per core, not Netty's two: nothing blocks a loop here, so a second loop per core adds no
        // capacity, only wake-ups: the vitals fan-out hands each loop it sent to one task a burst, and every loop
        // woken costs the lane an eventfd write and the loop an epoll return (docs/benchmarks.md, "The intake and the
        // doctors' sockets per reading").
        EventLoopGroup workers = loops.group(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("https-io"));
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(loops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 256)
                    // The JDK's NIO server socket has SO_REUSEADDR on Linux, Netty's epoll one not: without it a
                    // restarted node cannot bind its port while its old connections wait in TIME_WAIT.
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(maxPendingBytes / 2, maxPendingBytes))
                    .childHandler(initializer)
                    .bind(host, port).sync().channel();
            return new HttpsServer(loops, boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The transport the listener's event loops run on: epoll or nio. */
    public EventLoops loops() {
        return loops;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Stops accepting: the listening socket is closed, so a new connection is refused (a balancer sends it to another
     * node); the connections open now stay until {@link #close}. Blocking, for a drain (issue 17).
     */
    void stopAccepting() {
        channel.close().awaitUninterruptibly();
    }

    /**
     * Drops the listener and every connection at once, without a close frame or TLS close_notify: what the peers of a
     * killed process see (tests of a node's death, issue 17).
     */
    void halt() {
        channel.close();
        boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}

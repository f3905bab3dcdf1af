package org.telekiosk.broker.server;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import org.telekiosk.broker.config.ConfigException;
import org.telekiosk.broker.config.NettyTransport;

/**
 * Event-loop groups and channel classes of one Netty transport, chosen once ({@link NettyTransport}): Netty's native
 * epoll transport where it loads, NIO elsewhere. A channel must belong to a group of its own transport, so whoever
 * makes a group here takes its channel classes from here too.
 */
public final class EventLoops {
    private final NettyTransport transport;
    private final String reason;

    private EventLoops(NettyTransport transport, String reason) {
        this.transport = transport;
        this.reason = reason;
    }

    /**
     * The transport {@code choice} comes to on this machine.
     *
     * @param setting the key that chose it, for the messages (e.g. {@code https.transport})
     * @throws ConfigException naming {@code setting} and the cause when {@code choice} is {@link NettyTransport#EPOLL}
     *                         and the native library cannot be loaded here
     */
    public static EventLoops of(NettyTransport choice, String setting) {
        if (choice == NettyTransport.NIO) { // NIO named: the epoll classes are not even touched
            return new EventLoops(NettyTransport.NIO, setting + "=nio");
        }
        boolean available = Epoll.isAvailable();
        NettyTransport used = resolve(choice, setting, available, Epoll.unavailabilityCause());
        return new EventLoops(used, used == NettyTransport.EPOLL
                ? "Netty's native epoll transport, " + setting + "=" + choice.key()
                : setting + "=auto, and Netty's native epoll transport cannot be loaded here ("
                        + Epoll.unavailabilityCause() + ")");
    }

    /**
     * {@code auto} is epoll where it loads and NIO where not; {@code epoll} that cannot load is refused.
     *
     * @param available   whether Netty's native epoll transport loads here
     * @param unavailable why not, when not
     */
    static NettyTransport resolve(NettyTransport choice, String setting, boolean available, Throwable unavailable) {
        return switch (choice) {
            case NIO -> NettyTransport.NIO;
            case AUTO -> available ? NettyTransport.EPOLL : NettyTransport.NIO;
            case EPOLL -> {
                if (!available) {
                    throw new ConfigException(setting + "=epoll, but Netty's native epoll transport cannot be loaded "
                            + "on this machine (Linux on x86-64 only): " + unavailable + "; use auto or nio",
                            unavailable);
                }
                yield NettyTransport.EPOLL;
            }
        };
    }

    /** {@link NettyTransport#EPOLL} or {@link NettyTransport#NIO}, never auto. */
    public NettyTransport transport() {
        return transport;
    }

    /** For the log: the transport and why. */
    public String describe() {
        return transport.key() + " (" + reason + ")";
    }

    /** A group of {@code threads} event loops on this transport. */
    public EventLoopGroup group(int threads, ThreadFactory threadFactory) {
        return transport == NettyTransport.EPOLL
                ? new EpollEventLoopGroup(threads, threadFactory)
                : new NioEventLoopGroup(threads, threadFactory);
    }

    /** The listening channel's class for this transport's groups. */
    public Class<? extends ServerChannel> serverChannel() {
        return transport == NettyTransport.EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel's class for this transport's groups. */
    public Class<? extends SocketChannel> socketChannel() {
        return transport == NettyTransport.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * The client channel's class for {@code group}, a group or one loop of a group made by any {@link EventLoops}
     * (a channel on a loop of the other transport fails to register).
     */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        EventLoopGroup owner = group instanceof EventLoop loop && loop.parent() != null ? loop.parent() : group;
        // instanceof loads the class without initialising it: no native library is touched on a NIO group
        return owner instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}

package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.config.ConfigException;
import org.telekiosk.broker.config.NettyTransport;

/**
 * {@code https.transport}: the HTTPS listener's event loops run on Netty's native epoll transport where it loads (the
 * build machines and the broker's package: Linux on x86-64), on NIO where it does not or when {@code nio} is named;
 * {@code epoll} named where it cannot load, or a value that is none of the three, stops the start with the key named.
 */
class HttpsTransportTest {

    /** The machines the broker's package carries the native library for. */
    static boolean linuxX8664() {
        return System.getProperty("os.name").equals("Linux")
                && java.util.List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    }

    @Test
    void theTransportIsAutoByDefaultAndAnUnknownOneIsRefusedNamingTheKey() throws Exception {
        assertEquals(NettyTransport.AUTO, BrokerConfigLoader.load(Optional.empty(), Map.of()).httpsTransport());
        assertEquals(NettyTransport.NIO, BrokerConfigLoader.load(Optional.empty(),
                Map.of("https.transport", "nio")).httpsTransport());
        assertEquals(NettyTransport.EPOLL, BrokerConfigLoader.load(Optional.empty(),
                Map.of("https.transport", "EPOLL ")).httpsTransport());
        ConfigException refused = assertThrows(ConfigException.class,
                () -> BrokerConfigLoader.load(Optional.empty(), Map.of("https.transport", "io_uring")));
        assertTrue(refused.getMessage().contains("https.transport must be auto, nio or epoll")
                && refused.getMessage().contains("io_uring"), refused.getMessage());
    }

    @Test
    void autoIsEpollWhereItLoadsAndNioWhereItDoesNot() {
        Throwable missing = new UnsatisfiedLinkError("no netty_transport_native_epoll_aarch_64 in java.library.path");
        assertEquals(NettyTransport.EPOLL, EventLoops.resolve(NettyTransport.AUTO, "https.transport", true, null));
        assertEquals(NettyTransport.NIO, EventLoops.resolve(NettyTransport.AUTO, "https.transport", false, missing));
        assertEquals(NettyTransport.NIO, EventLoops.resolve(NettyTransport.NIO, "https.transport", true, null));
        assertEquals(NettyTransport.EPOLL, EventLoops.resolve(NettyTransport.EPOLL, "https.transport", true, null));
    }

    @Test
    void epollNamedWhereItCannotLoadIsAConfigurationErrorNamingTheKeyAndTheCause() {
        Throwable missing = new UnsatisfiedLinkError("no netty_transport_native_epoll_aarch_64 in java.library.path");
        ConfigException refused = assertThrows(ConfigException.class,
                () -> EventLoops.resolve(NettyTransport.EPOLL, "https.transport", false, missing));
        assertTrue(refused.getMessage().startsWith("https.transport=epoll")
                && refused.getMessage().contains("netty_transport_native_epoll_aarch_64"), refused.getMessage());
    }

    @Test
    void theDefaultListenerAcceptsOnEpollOnLinuxX8664() throws Exception {
        assumeTrue(linuxX8664(), "the broker carries the epoll library for linux-x86_64, the build machines'");
        EventLoops loops = EventLoops.of(BrokerConfigLoader.load(Optional.empty(), Map.of()).httpsTransport(),
                "https.transport");
        assertEquals(NettyTransport.EPOLL, loops.transport(), loops.describe());
        assertInstanceOf(EpollSocketChannel.class, accepted(loops));
    }

    @Test
    void nioNamedAcceptsOnNioEvenWhereEpollLoads() throws Exception {
        EventLoops loops = EventLoops.of(BrokerConfigLoader.load(Optional.empty(),
                Map.of("https.transport", "nio")).httpsTransport(), "https.transport");
        assertEquals(NettyTransport.NIO, loops.transport());
        assertInstanceOf(NioSocketChannel.class, accepted(loops));
    }

    @Test
    void aClientChannelIsOfItsLoopsTransport() {
        EventLoops nio = EventLoops.of(NettyTransport.NIO, "test");
        var group = nio.group(1, Thread.ofPlatform().factory());
        try {
            assertEquals(NioSocketChannel.class, EventLoops.socketChannel(group));
            assertEquals(NioSocketChannel.class, EventLoops.socketChannel(group.next()));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assumeTrue(linuxX8664(), "the epoll library for linux-x86_64");
        EventLoops epoll = EventLoops.of(NettyTransport.EPOLL, "test");
        group = epoll.group(1, Thread.ofPlatform().factory());
        try {
            assertEquals(EpollSocketChannel.class, EventLoops.socketChannel(group));
            assertEquals(EpollSocketChannel.class, EventLoops.socketChannel(group.next()));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The channel the listener made for one TCP connection from this test. */
    private static Channel accepted(EventLoops loops) throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        ChannelInitializer<SocketChannel> recording = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                accepted.complete(ch);
            }
        };
        try (HttpsServer server = HttpsServer.bind(loops, "127.0.0.1", 0, recording, 65_536);
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            return accepted.get(30, TimeUnit.SECONDS);
        }
    }
}

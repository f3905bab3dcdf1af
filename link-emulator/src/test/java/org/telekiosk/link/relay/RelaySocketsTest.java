package org.telekiosk.link.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.DirectionProfile;
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * The relays on loopback sockets (no namespace, no root): they pass traffic both ways, hold a stream and its new
 * connections during a cut and deliver it when the link returns, and lose datagrams as the profile says.
 */
class RelaySocketsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final AtomicInteger accepted = new AtomicInteger();
    private ServerSocket echo;
    private DatagramSocket udpEcho;

    @AfterEach
    void close() throws IOException {
        if (echo != null) {
            echo.close();
        }
        if (udpEcho != null) {
            udpEcho.close();
        }
    }

    private InetSocketAddress tcpEcho() throws IOException {
        echo = new ServerSocket(0, 50, LOOPBACK);
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // peer gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new InetSocketAddress(LOOPBACK, echo.getLocalPort());
    }

    @Test
    void aTcpStreamIsHeldDuringACutAndArrivesInOrderWhenTheLinkReturns() throws Exception {
        Link link = new Link(LinkSchedule.steady(LinkProfile.perfect()), Ticker.SYSTEM);
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(LOOPBACK, 0), tcpEcho(), link, 1);
                Socket client = new Socket(LOOPBACK, relay.port())) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), read(client.getInputStream(), 5));

            link.switchTo(LinkSchedule.steady(LinkProfile.blackout()));
            client.getOutputStream().write("during the cut".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.counters().arrivedCount(Direction.UP) == 2);
            try (Socket second = new Socket(LOOPBACK, relay.port())) {
                // the relay accepted it, but the SYN "does not get through": the echo server sees nothing yet
                await().atMost(Duration.ofSeconds(10)).until(() -> relay.heldConnections() == 1);
                assertEquals(1, relay.counters().passedCount(Direction.UP), "nothing crossed the cut");
                assertEquals(1, accepted.get());

                link.switchTo(LinkSchedule.steady(LinkProfile.perfect()));
                await().atMost(Duration.ofSeconds(10)).until(() -> relay.heldConnections() == 0);
                assertArrayEquals("during the cut".getBytes(StandardCharsets.US_ASCII),
                        read(client.getInputStream(), 14));
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() == 2);
            }
        }
    }

    @Test
    void aTcpStreamCrossesADelayedLinkIntact() throws Exception {
        DirectionProfile d = new DirectionProfile(0, Duration.ofMillis(20), Duration.ofMillis(15), 0.05, 0.5);
        Link link = new Link(LinkSchedule.steady(new LinkProfile("jittery", d, d)), Ticker.SYSTEM);
        byte[] data = new byte[300_000];
        new java.util.Random(4).nextBytes(data);
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(LOOPBACK, 0), tcpEcho(), link, 1);
                Socket client = new Socket(LOOPBACK, relay.port())) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < data.length; i += 1_000) {
                        client.getOutputStream().write(data, i, Math.min(1_000, data.length - i));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertArrayEquals(data, read(client.getInputStream(), data.length), "the stream arrived in order");
            writer.join();
        }
    }

    @Test
    void datagramsAreLostAsTheProfileSaysAndTheRestEchoed() throws Exception {
        udpEcho = new DatagramSocket(0, LOOPBACK);
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[2048];
            while (!udpEcho.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    udpEcho.receive(p);
                    udpEcho.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        DirectionProfile half = new DirectionProfile(0, Duration.ofMillis(5), Duration.ZERO, 0.5, 0);
        Link link = new Link(LinkSchedule.steady(new LinkProfile("half", half, DirectionProfile.PERFECT)),
                Ticker.SYSTEM);
        try (UdpRelay relay = new UdpRelay(new InetSocketAddress(LOOPBACK, 0),
                new InetSocketAddress(LOOPBACK, udpEcho.getLocalPort()), link, 3);
                DatagramSocket kiosk = new DatagramSocket(0, LOOPBACK)) {
            AtomicInteger echoed = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[2048];
                while (!kiosk.isClosed()) {
                    try {
                        kiosk.receive(new DatagramPacket(buffer, buffer.length));
                        echoed.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Counters c = relay.counters();
            for (int i = 0; i < 400; i++) {
                kiosk.send(new DatagramPacket(new byte[100], 100, LOOPBACK, relay.port()));
                // one at a time: a burst could overflow a socket buffer on a loaded machine (a kernel loss, not ours)
                long arrived = i + 1;
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                        .until(() -> c.arrivedCount(Direction.UP) == arrived);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> c.lostCount(Direction.UP) + c.passedCount(Direction.UP)
                    == 400 && c.passedCount(Direction.DOWN) == c.passedCount(Direction.UP));
            // binomial(400, 0.5): sigma 10; five either side
            long lost = c.lostCount(Direction.UP);
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(lost - 200) < 50, "lost " + lost);
            await().atMost(Duration.ofSeconds(10)).until(() -> echoed.get() == c.passedCount(Direction.DOWN));

            link.switchTo(LinkSchedule.steady(LinkProfile.blackout()));
            kiosk.send(new DatagramPacket(new byte[100], 100, LOOPBACK, relay.port()));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.lostCount(Direction.UP) == lost + 1);
        }
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] data = in.readNBytes(n);
        assertEquals(n, data.length, "stream ended early");
        return data;
    }
}

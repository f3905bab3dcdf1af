package org.telekiosk.hardware.call;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.telekiosk.broker.browser.Chromium;
import org.telekiosk.link.netns.RateFollower;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.relay.Counters;
import org.telekiosk.link.relay.Link;
import org.telekiosk.link.relay.TcpRelay;
import org.telekiosk.link.relay.Ticker;
import org.telekiosk.link.relay.UdpRelay;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * A kiosk browser on an emulated link: a network namespace of its own (veth to this host, tbf rates following the
 * schedule) and the impairment relay on the host end for exactly the ports given, each listening on the host end's
 * address under the same port number as its target on 127.0.0.1 (so URLs and origins carry the same port on both
 * sides of the link). What is not relayed does not exist for the kiosk: with no UDP port relayed, no UDP datagram of
 * the kiosk reaches anything (the namespace has no route but the veth, and nothing else listens on the host end).
 * {@link #close()} deletes the namespace.
 */
final class BrowserOnLink implements AutoCloseable {
    private final VethLink veth;
    private final Link link;
    private final RateFollower rates;
    private final List<TcpRelay> tcp = new ArrayList<>();
    private final List<Integer> tcpPorts = new ArrayList<>();
    private final List<UdpRelay> udp = new ArrayList<>();

    private BrowserOnLink(VethLink veth, Link link, RateFollower rates) {
        this.veth = veth;
        this.link = link;
        this.rates = rates;
    }

    /** A namespace under {@code schedule}, relaying the TCP and UDP ports given to the same ports on 127.0.0.1. */
    static BrowserOnLink open(LinkSchedule schedule, long seed, List<Integer> tcpPorts, List<Integer> udpPorts)
            throws IOException {
        VethLink veth = VethLink.create();
        BrowserOnLink opened = null;
        try {
            Link link = new Link(schedule, Ticker.SYSTEM);
            opened = new BrowserOnLink(veth, link, new RateFollower(link, veth));
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int port : tcpPorts) {
                opened.tcp.add(new TcpRelay(new InetSocketAddress(veth.hostAddress(), port),
                        new InetSocketAddress(loopback, port), link, seed + port));
                opened.tcpPorts.add(port);
            }
            for (int port : udpPorts) {
                opened.udp.add(new UdpRelay(new InetSocketAddress(veth.hostAddress(), port),
                        new InetSocketAddress(loopback, port), link, seed + port));
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            } else {
                veth.close();
            }
            throw e;
        }
    }

    Link link() {
        return link;
    }

    /** The host end's address: where the relays listen. */
    InetAddress hostAddress() {
        return veth.hostAddress();
    }

    String namespace() {
        return veth.namespace();
    }

    /**
     * Chromium inside the namespace, resolving {@code name} to the host end (the relays): it reaches the broker's
     * pages and coturn under that name, which the broker's certificate covers.
     */
    Chromium browser(X509Certificate serverCertificate, String name) throws IOException {
        return Chromium.launchedBy(veth.command(List.of()), serverCertificate,
                List.of("--host-resolver-rules=MAP " + name + " " + veth.hostAddress().getHostAddress()));
    }

    /**
     * Makes {@code name} resolve to the host end (the relays) for processes run with {@link #prefix()} (the agent):
     * the namespace's {@code /etc/hosts}.
     */
    void resolve(String name) throws IOException {
        veth.hosts(java.util.Map.of(name, veth.hostAddress()));
    }

    /** The command prefix that runs a process inside the namespace ({@code ip netns exec …}). */
    List<String> prefix() {
        return veth.command(List.of());
    }

    /** What the TCP relay of {@code port} passed on. */
    Counters tcpCounters(int port) {
        return tcp.get(tcpPorts.indexOf(port)).counters();
    }

    /** What the TCP relays passed on, per relay in the order of the ports given. */
    List<Counters> tcpCounters() {
        return tcp.stream().map(TcpRelay::counters).toList();
    }

    /** What the UDP relays passed on, per relay in the order of the ports given. */
    List<Counters> udpCounters() {
        return udp.stream().map(UdpRelay::counters).toList();
    }

    @Override
    public void close() {
        try {
            tcp.forEach(BrowserOnLink::closeQuietly);
            udp.forEach(BrowserOnLink::closeQuietly);
            closeQuietly(rates);
        } finally {
            veth.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("closing " + closeable + ": " + e);
        }
    }
}

package org.telekiosk.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.telekiosk.link.netns.RateFollower;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.link.profile.LinkSchedule;
import org.telekiosk.link.relay.Link;
import org.telekiosk.link.relay.TcpRelay;
import org.telekiosk.link.relay.Ticker;
import org.telekiosk.link.relay.UdpRelay;

/**
 * The link emulator as a command (see docs/rural-links.md):
 *
 * <pre>
 * link-emulator profiles [--profiles FILE]
 * link-emulator run --profile NAME [--seed N] [--profiles FILE] [--netns] [--host-name NAME]...
 *                   [--tcp PORT=HOST:PORT]... [--udp PORT=HOST:PORT]... [-- COMMAND...]
 * </pre>
 *
 * {@code run} relays each {@code --tcp}/{@code --udp} port to its target through the profile's impairment. With
 * {@code --netns} it first makes a namespace for the kiosk side (root only), listens on the host end's address,
 * applies the profile's rates with tbf, makes each {@code --host-name} resolve to the host end inside the namespace
 * (so that a kiosk reaches the broker under a name its certificate covers), and runs {@code COMMAND} inside; it ends with the command, or
 * on Ctrl-C, and deletes the namespace either way. Without it the relays listen on 127.0.0.1 and rates are not
 * limited.
 */
public final class LinkEmulatorMain {
    private LinkEmulatorMain() {}

    private record Forward(int port, InetSocketAddress target) {
        static Forward parse(String text) {
            int eq = text.indexOf('=');
            int colon = text.lastIndexOf(':');
            if (eq <= 0 || colon < eq) {
                throw new IllegalArgumentException("expected PORT=HOST:PORT, was '" + text + "'");
            }
            return new Forward(Integer.parseInt(text.substring(0, eq)),
                    new InetSocketAddress(text.substring(eq + 1, colon), Integer.parseInt(text.substring(colon + 1))));
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("link-emulator: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("run") || args[0].equals("profiles"))) {
            throw new IllegalArgumentException("usage: link-emulator profiles | run --profile NAME [--seed N] "
                    + "[--profiles FILE] [--netns] [--host-name NAME]... [--tcp PORT=HOST:PORT]... [--udp PORT=HOST:PORT]... [-- COMMAND...]");
        }
        String profileName = null;
        long seed = 1;
        Path file = null;
        boolean netns = false;
        List<Forward> tcp = new ArrayList<>();
        List<Forward> udp = new ArrayList<>();
        List<String> command = new ArrayList<>();
        List<String> hostNames = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--profile" -> profileName = value(args, ++i);
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--profiles" -> file = Path.of(value(args, ++i));
                case "--netns" -> netns = true;
                case "--host-name" -> hostNames.add(value(args, ++i));
                case "--tcp" -> tcp.add(Forward.parse(value(args, ++i)));
                case "--udp" -> udp.add(Forward.parse(value(args, ++i)));
                case "--" -> {
                    command.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        LinkProfiles profiles = file == null ? LinkProfiles.bundled() : LinkProfiles.load(file);
        if (args[0].equals("profiles")) {
            for (String name : profiles.names()) {
                System.out.println(name + ": " + profiles.schedule(name, seed));
            }
            return 0;
        }
        if (profileName == null) {
            throw new IllegalArgumentException("--profile is required; known: " + profiles.names());
        }
        LinkSchedule schedule = profiles.schedule(profileName, seed);
        if ((!command.isEmpty() || !hostNames.isEmpty()) && !netns) {
            throw new IllegalArgumentException("a COMMAND and --host-name are for the kiosk's namespace: add --netns");
        }
        return emulate(schedule, seed, netns, hostNames, tcp, udp, command);
    }

    private static int emulate(LinkSchedule schedule, long seed, boolean netns, List<String> hostNames,
            List<Forward> tcp, List<Forward> udp, List<String> command) throws Exception {
        if (netns && VethLink.unavailable().isPresent()) {
            throw new IllegalArgumentException(VethLink.unavailable().get());
        }
        List<AutoCloseable> open = new ArrayList<>();
        Thread cleanup = new Thread(() -> closeAll(open), "link-emulator-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Link link = new Link(schedule, Ticker.SYSTEM);
            InetAddress listen = InetAddress.getLoopbackAddress();
            VethLink veth = null;
            if (netns) {
                veth = VethLink.create();
                open.add(veth);
                listen = veth.hostAddress();
                java.util.Map<String, InetAddress> names = new java.util.LinkedHashMap<>();
                for (String name : hostNames) {
                    names.put(name, listen);
                }
                veth.hosts(names);
                open.addFirst(new RateFollower(link, veth));
                System.out.println("kiosk namespace " + veth.namespace() + ": kiosk " + veth.kioskAddress()
                        .getHostAddress() + ", this host " + listen.getHostAddress());
            } else {
                System.out.println("no namespace: relays on " + listen.getHostAddress() + ", rates not limited");
            }
            for (Forward forward : tcp) {
                TcpRelay relay = new TcpRelay(new InetSocketAddress(listen, forward.port()), forward.target(), link,
                        seed);
                open.addFirst(relay);
                System.out.println("tcp " + listen.getHostAddress() + ":" + relay.port() + " -> " + forward.target());
            }
            for (Forward forward : udp) {
                UdpRelay relay = new UdpRelay(new InetSocketAddress(listen, forward.port()), forward.target(), link,
                        seed);
                open.addFirst(relay);
                System.out.println("udp " + listen.getHostAddress() + ":" + relay.port() + " -> " + forward.target());
            }
            System.out.println("link profile " + schedule + ", seed " + seed);
            System.out.println("ready");
            System.out.flush();
            if (veth != null && !command.isEmpty()) {
                Process process = new ProcessBuilder(veth.command(command)).inheritIO().start();
                return process.waitFor();
            }
            new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook closes everything
            return 0;
        } finally {
            closeAll(open);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    private static synchronized void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable closeable : List.copyOf(open)) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("link emulator: closing " + closeable + ": " + e);
            }
        }
        open.clear();
    }

    private static String value(String[] args, int i) throws IOException {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}

package org.telekiosk.link.netns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telekiosk.link.profile.DirectionProfile;
import org.telekiosk.link.profile.LinkProfile;

/**
 * The kiosk side as a host of its own: a network namespace {@code tk-<pid>-<n>} joined to this host by a veth pair,
 * {@code 10.77.<x>.2} in the namespace and {@code 10.77.<x>.1} here, with no other route: whatever the kiosk
 * reaches, it reaches through the host end (where the relays listen). Rates are tbf qdiscs: on the namespace's end
 * for the uplink, on the host's end for the downlink (each shapes what leaves its device).
 *
 * <p>Never leaves a namespace behind: {@link #close()} deletes it (the veth pair goes with it), a shutdown hook
 * does the same if the JVM ends first, and {@link #create()} first deletes namespaces of this naming whose process
 * is gone (one that was SIGKILLed). Needs root.
 */
public final class VethLink implements AutoCloseable {
    private static final Pattern OURS = Pattern.compile("tk-(\\d+)-(\\d+)");
    private static final AtomicInteger NEXT = new AtomicInteger();
    /** tbf's queue: at most this much waiting at the bottleneck, the rest is dropped (as a bloated modem's buffer). */
    static final int QUEUE_MILLIS = 300;

    private final String namespace;
    private final String hostDevice;
    private final String kioskDevice;
    private final InetAddress hostAddress;
    private final InetAddress kioskAddress;
    private final Thread hook;
    private volatile boolean closed;

    private VethLink(String namespace, String hostDevice, String kioskDevice, InetAddress hostAddress,
            InetAddress kioskAddress) {
        this.namespace = namespace;
        this.hostDevice = hostDevice;
        this.kioskDevice = kioskDevice;
        this.hostAddress = hostAddress;
        this.kioskAddress = kioskAddress;
        this.hook = new Thread(this::deleteQuietly, "veth-link-cleanup-" + namespace);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Why this machine cannot make namespaces, or empty if it can (root, with {@code ip} and {@code tc}). Tests skip
     * with this message.
     */
    public static java.util.Optional<String> unavailable() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            Matcher uid = Pattern.compile("(?m)^Uid:\\s+(\\d+)\\s+(\\d+)").matcher(status);
            if (!uid.find() || !uid.group(2).equals("0")) {
                return java.util.Optional.of("network namespaces need root (this process's effective uid is "
                        + (uid.find(0) ? uid.group(2) : "unknown") + ")");
            }
            if (Shell.attempt(List.of("ip", "netns", "list")).exit() != 0) {
                return java.util.Optional.of("'ip netns list' failed: no network namespaces here");
            }
            if (Shell.attempt(List.of("tc", "-V")).exit() != 0) {
                return java.util.Optional.of("'tc' is missing (iproute2)");
            }
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of("cannot run ip/tc: " + e.getMessage());
        }
    }

    /** Makes a fresh namespace and veth pair with a free 10.77.x.0/24 subnet, loopback up, no rate limit. */
    public static VethLink create() throws IOException {
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "telekiosk-veth-link.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            deleteStale();
            long pid = ProcessHandle.current().pid();
            int n = NEXT.incrementAndGet();
            String namespace = "tk-" + pid + "-" + n;
            String suffix = Long.toString(pid * 1000 + n, 36);
            String hostDevice = "tkh" + suffix;
            String kioskDevice = "tkk" + suffix;
            int subnet = freeSubnet();
            InetAddress host = InetAddress.getByName("10.77." + subnet + ".1");
            InetAddress kiosk = InetAddress.getByName("10.77." + subnet + ".2");
            Shell.run(List.of("ip", "netns", "add", namespace));
            VethLink link = new VethLink(namespace, hostDevice, kioskDevice, host, kiosk);
            try {
                Shell.run(List.of("ip", "link", "add", hostDevice, "type", "veth", "peer", "name", kioskDevice));
                Shell.run(List.of("ip", "link", "set", kioskDevice, "netns", namespace));
                Shell.run(List.of("ip", "addr", "add", host.getHostAddress() + "/24", "dev", hostDevice));
                Shell.run(List.of("ip", "link", "set", hostDevice, "up"));
                link.inside("ip", "addr", "add", kiosk.getHostAddress() + "/24", "dev", kioskDevice);
                link.inside("ip", "link", "set", kioskDevice, "up");
                link.inside("ip", "link", "set", "lo", "up");
                return link;
            } catch (IOException | RuntimeException e) {
                link.close();
                throw e;
            }
        }
    }

    public String namespace() {
        return namespace;
    }

    /** This host's end: where relays listen for the kiosk. */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /** The kiosk's address inside the namespace. */
    public InetAddress kioskAddress() {
        return kioskAddress;
    }

    /** {@code command} as it runs inside the namespace ({@code ip netns exec <ns> ...}, which execs it in place). */
    public List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /**
     * Names the kiosk side resolves: {@code /etc/netns/<ns>/hosts}, which {@code ip netns exec} puts in place of
     * {@code /etc/hosts} for what runs inside (localhost stays 127.0.0.1). Lets a kiosk reach the broker under a name
     * its certificate covers while the address is the host end's. Deleted with the namespace.
     */
    public void hosts(java.util.Map<String, InetAddress> names) throws IOException {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
        names.forEach((name, address) -> hosts.append(address.getHostAddress()).append(' ').append(name).append('\n'));
        Files.createDirectories(etc(namespace));
        Files.writeString(etc(namespace).resolve("hosts"), hosts);
    }

    private static Path etc(String namespace) {
        return Path.of("/etc/netns", namespace);
    }

    private static void deleteEtc(String namespace) throws IOException {
        Path dir = etc(namespace);
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Applies {@code profile}'s rates: uplink on the namespace's end, downlink on the host's end. */
    public void rates(LinkProfile profile) throws IOException {
        shape(command(List.of("tc")), kioskDevice, profile.up());
        shape(List.of("tc"), hostDevice, profile.down());
    }

    private static void shape(List<String> tc, String device, DirectionProfile direction) throws IOException {
        List<String> command = new ArrayList<>(tc);
        long rate = direction.rateBitsPerSecond();
        if (rate == 0) {
            command.addAll(List.of("qdisc", "del", "dev", device, "root"));
            Shell.attempt(command); // "no qdisc" is fine
            return;
        }
        // burst: at least two full frames, and 10 ms at the rate so that tbf can keep up with its timer
        long burst = Math.max(4096, rate / 8 / 100);
        command.addAll(List.of("qdisc", "replace", "dev", device, "root", "tbf", "rate", rate + "bit", "burst",
                Long.toString(burst), "latency", QUEUE_MILLIS + "ms"));
        Shell.run(command);
    }

    private String inside(String... command) throws IOException {
        return Shell.run(command(List.of(command)));
    }

    /** Deletes the namespace (and with it the veth pair). Idempotent. */
    @Override
    public void close() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) anyway
        }
    }

    private synchronized void deleteQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Shell.attempt(List.of("ip", "netns", "del", namespace));
            Shell.attempt(List.of("ip", "link", "del", hostDevice)); // gone with the namespace; in case it was not
            deleteEtc(namespace);
        } catch (IOException e) {
            System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
        }
    }

    /** True if the namespace exists (tests check that nothing is left). */
    public static boolean exists(String namespace) throws IOException {
        return namespaces().contains(namespace);
    }

    /** The names in {@code ip netns list}. */
    public static Set<String> namespaces() throws IOException {
        Set<String> names = new HashSet<>();
        for (String line : Shell.run(List.of("ip", "netns", "list")).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Deletes namespaces named {@code tk-<pid>-<n>} (and their {@code /etc/netns} files) whose process is gone. */
    static void deleteStale() throws IOException {
        Set<String> names = new HashSet<>(namespaces());
        if (Files.isDirectory(Path.of("/etc/netns"))) {
            try (var dirs = Files.list(Path.of("/etc/netns"))) {
                dirs.forEach(dir -> names.add(dir.getFileName().toString()));
            }
        }
        for (String name : names) {
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Shell.attempt(List.of("ip", "netns", "del", name));
                deleteEtc(name);
            }
        }
    }

    private static int freeSubnet() throws IOException {
        String addresses = Shell.run(List.of("ip", "-o", "-4", "addr", "show"));
        for (int x = 1; x < 255; x++) {
            if (!addresses.contains(" 10.77." + x + ".")) {
                return x;
            }
        }
        throw new IOException("no free subnet in 10.77.1-254.0/24");
    }
}

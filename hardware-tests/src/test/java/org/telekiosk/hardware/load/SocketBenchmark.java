package org.telekiosk.hardware.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordHasher;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 16's memory per signaling socket: the broker in this process (started as {@link BrokerExtension} starts it,
 * with {@code https.max-connections-per-address} raised: every socket comes from 127.0.0.1), the sockets in
 * {@link SocketLoad}, a process of its own. Prepares one doctor per consultation with a login session and a room
 * consultation whose kiosk's patient is in the call; opens the consultations in steps and, after each, measures this
 * JVM after three full collections (before them: RSS and heap as the process runs): heap used, RSS, direct buffers,
 * Native Memory Tracking's summary (when the JVM was started with {@code -XX:NativeMemoryTracking=summary}) and the
 * class histogram, whose growth per socket it prints
 * (the classes that hold the most). Then the relay round trip of chat lines doctor → patient at rest.
 *
 * <p><b>The doctors' accounts are written straight into the store</b> ({@link SqlAccountRepository}, all with one
 * Argon2id hash computed once): the API hashes each new password (a few hundred ms of a core each), which for
 * thousands of doctors takes longer than the run; their sessions are started with the broker's own
 * {@code Sessions.start}, as a login does after the hash check.
 *
 * <p>Arguments: {@code steps (consultations, comma-separated cumulative totals) patients(yes|no) relays work-dir
 * [signal|viewer] [jdk|openssl] [rest-seconds]}: with {@code viewer} each consultation's doctor holds a vitals socket
 * ({@code /ws/viewer}) instead of a signaling one, and there are no patients' sockets; the last is the broker's
 * {@code https.tls-provider}; with rest seconds (0 by default) the broker's CPU is measured over that long after the last step, before the relay.
 */
public final class SocketBenchmark {
    private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private SocketBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] steps = java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        boolean patients = args[1].equals("yes");
        int relays = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]);
        boolean viewer = args.length > 4 && args[4].equals("viewer");
        String tls = args.length > 5 ? args[5] : "jdk";
        long rest = args.length > 6 ? Long.parseLong(args[6]) : 0;
        SecureFiles.ownerOnlyDirectory(work);
        int total = steps[steps.length - 1];
        BrokerExtension extension = new BrokerExtension(Map.of("https.max-connections-per-address", "100000",
                "https.tls-provider", tls));
        System.out.println("broker: https.tls-provider=" + tls + ", JVM " + ManagementFactory.getRuntimeMXBean()
                .getInputArguments());
        extension.beforeAll(null);
        int status = 0;
        try {
            Path plan = prepare(extension, total, patients && !viewer, viewer, work);
            run(plan, steps, patients, relays, work, rest);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            extension.afterAll(null);
            System.exit(status);
        }
    }

    private static Path prepare(BrokerExtension extension, int consultations, boolean patients, boolean viewer,
            Path work) throws Exception {
        long start = System.nanoTime();
        var access = extension.broker().access();
        Account admin = VitalsFixture.admin(access);
        String hash = new PasswordHasher(Argon2idParameters.PRODUCTION, new SecureRandom())
                .hash(Password.of(VitalsFixture.PASSWORD));
        SqlAccountRepository accounts = new SqlAccountRepository(new SqlAccess(
                StoreDatabase.sqlite(extension.broker().config().defaultStoreFile())));
        Path ca;
        try (var files = Files.walk(extension.dataDir())) {
            ca = files.filter(p -> p.getFileName().toString().equals("ca.pem")).findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(List.of("signal\t" + (viewer ? extension.viewerSocket()
                : extension.signalSocket()),
                "origin\t" + extension.origin(), "ca\t" + ca));
        for (int i = 1; i <= consultations; i++) {
            KioskId kiosk = KioskId.of(String.format(Locale.ROOT, "sock-%05d", i));
            Account doctor = new Account(AccountId.random(), LoginName.of("dr-" + kiosk.value()),
                    DisplayName.of("Dr " + kiosk.value()), Role.DOCTOR);
            accounts.insert(new StoredAccount(doctor, hash));
            Consultation room = VitalsFixture.room(access, doctor, kiosk);
            String line;
            if (viewer) {
                // the vitals socket: the doctor of a consultation with the kiosk's patient in the call
                VitalsFixture.admitAtKiosk(access, doctor, room.id(), kiosk);
                line = "c\t" + VitalsFixture.hello(VitalsFixture.login(access, doctor), room.id());
            } else {
                line = "c\t" + signalHello(VitalsFixture.login(access, doctor).value(), room.id().toString());
            }
            if (patients) {
                Joined joined = VitalsFixture.admitAtKiosk(access, doctor, room.id(), kiosk);
                line += "\t{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"resume\",\"token\":\""
                        + joined.resumeToken().value() + "\",\"lastSeen\":0}}";
            }
            lines.add(line);
        }
        Path plan = work.resolve("sockets.tsv");
        SecureFiles.writeSecret(plan, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "prepared %d consultations (%s, patients: %s) in %d s (admin %s)%n",
                consultations, viewer ? "vitals sockets" : "signaling sockets", patients,
                (System.nanoTime() - start) / 1_000_000_000L, admin.loginName());
        return plan;
    }

    private static String signalHello(String token, String consultation) {
        return "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"session\",\"token\":\"" + token
                + "\",\"consultation\":\"" + consultation + "\"}}";
    }

    private static void run(Path plan, int[] steps, boolean patients, int relays, Path work, long rest)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getenv("SOCKETLOAD_JAVA_OPTS");
        command.addAll(List.of((options == null || options.isBlank() ? "-Xmx1g" : options.trim()).split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SocketLoad.class.getName(),
                plan.toString()));
        Process load = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        PrintWriter to = new PrintWriter(load.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader from = new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8));
        Snapshot before = snapshot(work, "0");
        System.out.println(before.line(0));
        int opened = 0;
        Snapshot last = before;
        for (int step : steps) {
            to.println("open " + (step - opened));
            opened = step;
            String answer = expect(from, "OPENED");
            System.out.println("[load] " + answer);
            int sockets = Integer.parseInt(answer.split(" ")[1]);
            Snapshot now = snapshot(work, Integer.toString(sockets));
            System.out.println(now.line(sockets));
            System.out.printf(Locale.ROOT, "per socket from 0 to %d sockets: heap %.0f B, RSS %.0f B, direct %.0f B%n",
                    sockets, (now.heap - before.heap) / (double) sockets, (now.rss - before.rss) / (double) sockets,
                    (now.direct - before.direct) / (double) sockets);
            printGrowth(before, now, sockets, "sockets");
            if (!now.nmt.isBlank()) {
                Files.writeString(work.resolve("nmt-" + sockets + ".txt"), now.nmt);
                System.out.println("NMT summary: " + work.resolve("nmt-" + sockets + ".txt"));
            }
            last = now;
        }
        if (rest > 0) {
            System.out.println("[" + last.sockets() + " sockets] broker's " + restCpu(rest));
        }
        if (patients && relays > 0) {
            to.println("relay " + relays);
            System.out.println("[load] " + expect(from, "RELAY") + " (" + loadAverage() + ")");
        }
        to.println("quit");
        load.waitFor();
        System.out.println("RESULT sockets=" + last.sockets + " heapPerSocket="
                + (last.heap - before.heap) / Math.max(1, last.sockets) + " rssPerSocket="
                + (last.rss - before.rss) / Math.max(1, last.sockets));
    }

    private static String expect(BufferedReader from, String prefix) throws Exception {
        return expect(from, prefix, "the socket load");
    }

    /**
     * Reads a load process's output up to the first line starting with {@code prefix}, echoing the others; {@code what}
     * names the process when it ends first. Also {@link KioskConnectionBenchmark}'s.
     */
    static String expect(BufferedReader from, String prefix, String what) throws Exception {
        for (String line = from.readLine(); line != null; line = from.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("[load] " + line);
        }
        throw new IllegalStateException(what + " ended before " + prefix);
    }

    /** This JVM after full collections; {@code fds}: its open file descriptors. */
    record Snapshot(int sockets, long heap, long rss, long direct, Map<String, long[]> histogram, String nmt,
            long fds) {
        String line(int n) {
            return String.format(Locale.ROOT, "[%d sockets] heap used after GC %.1f MB, RSS %.1f MB, direct buffers "
                    + "%.1f MB, open files %d (%s)", n, heap / 1e6, rss / 1e6, direct / 1e6, fds, loadAverage());
        }
    }

    static Snapshot snapshot(Path work, String label) throws Exception {
        // Before the collections: what the process holds as it runs (garbage of the handshakes included)
        System.out.printf(Locale.ROOT, "[%s sockets] before GC: RSS %.1f MB, heap used %.1f MB, committed %.1f MB%n",
                label, rss() / 1e6, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1e6);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        String histo = diagnostic("gcClassHistogram");
        Files.writeString(work.resolve("histogram-" + label + ".txt"), histo);
        Map<String, long[]> classes = new HashMap<>();
        for (String row : histo.split("\n")) {
            Matcher m = HISTO.matcher(row);
            if (m.find()) {
                classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        String nmt;
        try {
            nmt = diagnostic("vmNativeMemory", "summary");
        } catch (Exception e) {
            nmt = "";
        }
        if (nmt.contains("not enabled")) {
            nmt = "";
        }
        System.out.printf(Locale.ROOT, "[%s sockets] heap committed after GC %.1f MB%n", label,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1e6);
        long fds;
        try (var open = Files.list(Path.of("/proc/self/fd"))) {
            fds = open.count();
        }
        return new Snapshot(Integer.parseInt(label), heap, rss(), direct, classes, nmt, fds);
    }

    /**
     * This process's CPU over {@code seconds} of rest, as a share of one core, with the load average at both ends:
     * what the connections cost when nothing but their keep-alive traffic runs.
     */
    static String restCpu(long seconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String before = loadAverage();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        new java.util.concurrent.CountDownLatch(1).await(seconds, java.util.concurrent.TimeUnit.SECONDS); // the rest
        double used = (os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - start);
        return String.format(Locale.ROOT, "CPU at rest over %d s: %.2f %% of one core (%s at the start, %s at the end)",
                seconds, used * 100, before, loadAverage());
    }

    static long rss() throws java.io.IOException {
        for (String row : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (row.startsWith("VmRSS:")) {
                return Long.parseLong(row.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    static String diagnostic(String operation, String... arguments) throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                new Object[] {arguments}, new String[] {String[].class.getName()});
    }

    /** The 30 classes whose instances grew most in bytes, per socket. */
    static void printGrowth(Snapshot before, Snapshot now, int sockets, String unit) {
        record Row(String name, long instances, long bytes) {}
        List<Row> rows = new ArrayList<>();
        now.histogram().forEach((name, v) -> {
            long[] b = before.histogram().getOrDefault(name, new long[2]);
            rows.add(new Row(name, v[0] - b[0], v[1] - b[1]));
        });
        rows.sort(Comparator.comparingLong(Row::bytes).reversed());
        System.out.printf(Locale.ROOT, "histogram growth 0 -> %d %s, per one (instances, bytes):%n", sockets, unit);
        for (Row row : rows.subList(0, Math.min(30, rows.size()))) {
            System.out.printf(Locale.ROOT, "  %8.2f %9.1f  %s%n", row.instances() / (double) sockets,
                    row.bytes() / (double) sockets, row.name());
        }
    }

    static String loadAverage() {
        try {
            return "load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "load ?";
        }
    }
}

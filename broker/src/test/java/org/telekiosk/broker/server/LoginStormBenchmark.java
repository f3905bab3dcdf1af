package org.telekiosk.broker.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * Not a test: other users' REST latency during a login storm (issue 14, finding 5). Starts a real broker in this
 * process (as {@link BrokerExtension} does) and the storm in a process of its own ({@link Storm}, same class path,
 * as {@code LoadBenchmark} runs its kiosks), so that the attackers' clients, their allocations and garbage
 * collections are not the broker's: T threads, each with its own client address (127.0.0.2 … on loopback, so the
 * per-address login rate does not stop them) post logins of a real account with a wrong password, or of unknown
 * names, as fast as they are answered, for S seconds; meanwhile a logged-in user in this process asks {@code GET
 * /api/v1/me} every 20 ms. Prints the latency of those requests (p50, p99, max) and their statuses (-1: the connection
 * closed under the request), and the storm's answers by status. Target: p99 ≤ 200 ms. Command and figures:
 * docs/benchmarks.md.
 *
 * <p>Arguments: threads (100; 0 for a control run without a storm), seconds (30). {@code -Dtelekiosk.bench.storm.in-process=1} runs the storm's threads
 * in this process instead, as the first runs did; {@code -Dtelekiosk.bench.storm.cpus=1} starts the storm's process
 * under {@code taskset -c 1} (start this process under {@code taskset -c 0}: broker and storm on cores of their own,
 * as an attacker on another machine); {@code -Dtelekiosk.bench.config.<key>=<value>} sets a broker
 * configuration key (e.g. {@code api.max-concurrent-hashes}).
 */
public final class LoginStormBenchmark {
    /** {@code -Dtelekiosk.bench.config.<key>=<value>} sets a broker configuration key for the run. */
    private static final String CONFIG = "telekiosk.bench.config.";

    private LoginStormBenchmark() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration run = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30);
        boolean inProcess = "1".equals(System.getProperty("telekiosk.bench.storm.in-process"));
        Map<String, String> config = new java.util.HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(CONFIG))
                .forEach(k -> config.put(k.substring(CONFIG.length()), System.getProperty(k)));
        BrokerExtension broker = new BrokerExtension(config);
        broker.beforeAll(null);
        Storm local = null;
        Process remote = null;
        try {
            var access = broker.broker().access();
            VitalsFixture.account(access, "storm.target", Role.DOCTOR);
            var other = VitalsFixture.account(access, "other.user", Role.DOCTOR);
            String token = VitalsFixture.login(access, other).value();
            BufferedReader stormOut = null;
            if (inProcess) {
                local = new Storm(broker.https("/api/v1/session"), broker.tls(), threads);
            } else {
                List<String> command = new ArrayList<>();
                String cpus = System.getProperty("telekiosk.bench.storm.cpus");
                if (cpus != null) {
                    command.addAll(List.of("taskset", "-c", cpus)); // the attacker's own cores, as another machine
                }
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), Storm.class.getName(),
                        broker.https("/api/v1/session").toString(), Integer.toString(threads)));
                remote = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                stormOut = new BufferedReader(new InputStreamReader(remote.getInputStream(), StandardCharsets.UTF_8));
                String started = stormOut.readLine();
                if (!"started".equals(started)) {
                    throw new IllegalStateException("the storm process did not start: " + started);
                }
            }
            HttpClient me = HttpClient.newBuilder().sslContext(broker.tls()).version(HttpClient.Version.HTTP_1_1)
                    .build();
            ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
            Map<Integer, LongAdder> meStatuses = new ConcurrentHashMap<>();
            long end = System.nanoTime() + run.toNanos();
            CountDownLatch never = new CountDownLatch(1);
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                int status;
                try {
                    status = me.send(HttpRequest.newBuilder(broker.https("/api/v1/me"))
                            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET()
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1; // the connection was closed under the request: counted as status -1
                }
                micros.add((System.nanoTime() - start) / 1_000);
                meStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                never.await(20, TimeUnit.MILLISECONDS); // the planned request interval, not synchronisation
            }
            String stormAnswers;
            if (local != null) {
                stormAnswers = local.stop();
            } else {
                remote.getOutputStream().write("stop\n".getBytes(StandardCharsets.UTF_8));
                remote.getOutputStream().flush();
                stormAnswers = stormOut.readLine();
            }
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%d storm threads (%s), %d s, broker %s: GET /api/v1/me of another user: %d requests,"
                    + " p50 %.1f ms, p99 %.1f ms, max %.1f ms, statuses %s; %s%n", threads,
                    inProcess ? "in the broker's process" : "own process", run.toSeconds(), config, sorted.length,
                    at(sorted, 0.5), at(sorted, 0.99), sorted[sorted.length - 1] / 1e3, counts(meStatuses),
                    stormAnswers);
        } finally {
            if (local != null) {
                local.stop();
            }
            if (remote != null) {
                remote.destroy();
                remote.waitFor(60, TimeUnit.SECONDS);
            }
            broker.afterAll(null);
        }
    }

    /**
     * The storm: {@code threads} clients posting wrong logins as fast as they are answered, until stopped. As a
     * process of its own ({@link #main}: the login URI and the number of threads; prints {@code started}, then on
     * {@code stop} from its input the answers by status and exits) it trusts any certificate, as an attacker would.
     */
    public static final class Storm {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private final AtomicInteger failures = new AtomicInteger();
        private final ExecutorService pool;

        Storm(URI login, SSLContext tls, int threads) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads));
            for (int t = 0; t < threads; t++) {
                int n = t;
                pool.execute(() -> storm(login, tls, n));
            }
        }

        public static void main(String[] args) throws Exception {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new AnyCertificate()}, null);
            Storm storm = new Storm(URI.create(args[0]), any, Integer.parseInt(args[1]));
            System.out.println("started");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
                // wait for "stop" (or the end of the input)
            }
            System.out.println(storm.stop());
            System.out.flush();
            System.exit(0);
        }

        private void storm(URI login, SSLContext tls, int n) {
            HttpClient http;
            try {
                http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                        .localAddress(InetAddress.getByName("127.0." + (n / 250) + "." + (2 + n % 250)))
                        .connectTimeout(Duration.ofSeconds(30)).build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            int i = 0;
            while (running.get()) {
                String name = (i++ % 2 == 0) ? "storm.target" : "nobody-" + n + "-" + i;
                HttpRequest request = HttpRequest.newBuilder(login)
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"login\":\"" + name
                                + "\",\"password\":\"a wrong password of some length\"}")).build();
                try {
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                } catch (java.io.IOException e) {
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Stops the storm; its answers by status and the connection failures, as one line. */
        String stop() throws InterruptedException {
            running.set(false);
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            return "storm answers by status " + counts(statuses) + ", " + failures.get() + " connection failures";
        }
    }

    /** An attacker's trust: any certificate, any host name. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static String counts(Map<Integer, LongAdder> byStatus) {
        return new java.util.TreeMap<>(byStatus).toString();
    }

    private static double at(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
    }
}
